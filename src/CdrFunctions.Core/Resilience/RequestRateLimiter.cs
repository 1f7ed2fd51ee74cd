using System.Net;
using CdrFunctions.Pipeline.RateLimits;

namespace CdrFunctions.Pipeline.Resilience;

/// <summary>
/// Paces the requests of one vendor (all windows, all clients of a run and of the process) under every one of
/// its <see cref="RequestRateLimit"/>s at once, with the same <see cref="SlidingLogRateLimiter"/> that keeps
/// RingCX's sub-account limits: a request may start when, for each limit, fewer than <c>Requests</c> started in
/// the last <c>Per</c> (exact send times, a 2% margin for clock and network jitter, callers served in arrival
/// order). On 429 it pauses everyone until <c>Retry-After</c> and slows down (each period stretched up to 16×);
/// successful answers bring it back to the configured pace step by step. The vendor counts a request when it
/// arrives, so answered requests are logged at their estimated arrival, up to half the shortest period after
/// their send (<see cref="ArrivalEstimates"/>): jitter on a busy machine costs pace, not a 429. It also counts what it
/// let through.
/// </summary>
public sealed class RequestRateLimiter : IDisposable
{
    private const double MaxSlowdown = 16;
    private const double Margin = 0.02;
    private const double MaxLateness = 0.5;
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly SlidingLogRateLimiter? _log;
    private readonly Queue<long> _recent = new();
    private readonly ArrivalEstimates? _arrivals;
    private long _firstStart = -1;
    private long _requests;
    private long _throttled;

    public RequestRateLimiter(string name, IReadOnlyList<RequestRateLimit> limits, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(limits);
        Name = name;
        Limits = limits;
        _time = time ?? TimeProvider.System;
        if (limits.Count > 0)
        {
            var margin = limits.Min(l => l.Per) * Margin;
            _log = new SlidingLogRateLimiter(new RateLimitPolicy(limits.Select(l => new RateLimit(l.Requests, l.Per)).ToArray(), margin), _time);
            // An estimate matters while its permit can still be in a (slowed down) period.
            _arrivals = new ArrivalEstimates(_log, margin, (limits.Max(l => l.Per) * MaxSlowdown) + margin, limits.Min(l => l.Per) * MaxLateness);
        }
    }

    public string Name { get; }

    public IReadOnlyList<RequestRateLimit> Limits { get; }

    /// <summary>The steady rate the limits allow together (the strictest), in requests per second; infinity without limits.</summary>
    public double AllowedPerSecond => Limits.Count == 0 ? double.PositiveInfinity : Limits.Min(l => l.PerSecond);

    /// <summary>Requests let through so far.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Answers the vendor throttled (429).</summary>
    public long Throttled => Interlocked.Read(ref _throttled);

    /// <summary>How much slower than configured the limiter currently paces (1 = as configured).</summary>
    public double Slowdown => _log?.Slowdown ?? 1;

    /// <summary>Requests per second started over the last 10 seconds (or since the first request, when sooner).</summary>
    public double CurrentRate
    {
        get
        {
            lock (_gate)
            {
                var now = _time.GetTimestamp();
                Prune(now);
                if (_recent.Count == 0)
                {
                    return 0;
                }
                var since = Math.Max(_firstStart, now - Ticks(RateWindow));
                // Under a second of history would inflate the rate of the first burst.
                var seconds = (double)(now - since) / _time.TimestampFrequency;
                return _recent.Count / Math.Max(seconds, 1);
            }
        }
    }

    /// <summary>Waits until one more request is allowed under every limit, and counts it as started.</summary>
    public async ValueTask<RequestPermit> AcquireAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset? takenAt = null;
        if (_log is not null)
        {
            using var lease = await _log.AcquireAsync(1, Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
            takenAt = lease.TryGetMetadata(SlidingLogRateLimiter.TakenAt, out var taken) ? taken : null;
        }
        long now;
        lock (_gate)
        {
            now = _time.GetTimestamp();
            if (_firstStart < 0)
            {
                _firstStart = now;
            }
            _recent.Enqueue(now);
            Prune(now);
        }
        Interlocked.Increment(ref _requests);
        return new RequestPermit(takenAt, now);
    }

    /// <summary>
    /// Learns from the vendor's answer to the request of <paramref name="permit"/>: 429 pauses and slows down; anything
    /// else speeds back up. Its permit is moved in the log to when the request may have reached the vendor (up to
    /// half a period late, <see cref="ArrivalEstimates"/>), so one sent a period after it does not land in the same period.
    /// </summary>
    public void OnResponse(RequestPermit permit, HttpStatusCode status, TimeSpan? retryAfter)
    {
        if (status == HttpStatusCode.TooManyRequests)
        {
            Interlocked.Increment(ref _throttled);
        }
        if (_log is null)
        {
            return;
        }
        if (permit.TakenAt is { } taken && _arrivals is not null)
        {
            _arrivals.Answered(taken, _time.GetUtcNow(), _time.GetElapsedTime(permit.Started));
        }
        lock (_gate)
        {
            _log.Slowdown = status == HttpStatusCode.TooManyRequests ? Math.Min(MaxSlowdown, _log.Slowdown * 2) : Math.Max(1, _log.Slowdown * 0.9);
        }
        if (status != HttpStatusCode.TooManyRequests)
        {
            return;
        }
        var pause = retryAfter is { } r && r > TimeSpan.Zero ? r : TimeSpan.FromSeconds(1);
        _log.PauseUntil(_time.GetUtcNow() + pause);
    }

    public void Dispose() => _log?.Dispose();

    private void Prune(long now)
    {
        while (_recent.Count > 0 && now - _recent.Peek() > Ticks(RateWindow))
        {
            _recent.Dequeue();
        }
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);
}

/// <summary>One request let through: when its permit was logged and when it started, to learn from its round trip.</summary>
public readonly record struct RequestPermit(DateTimeOffset? TakenAt, long Started);
