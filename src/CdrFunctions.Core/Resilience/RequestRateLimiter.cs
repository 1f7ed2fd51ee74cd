using System.Net;
using CdrFunctions.Pipeline.RateLimits;

namespace CdrFunctions.Pipeline.Resilience;

/// <summary>
/// Paces the requests of one vendor (all windows, all clients of a run and of the process) under every one of
/// its <see cref="RequestRateLimit"/>s at once, with the same <see cref="SlidingLogRateLimiter"/> that keeps
/// RingCX's sub-account limits: a request may start when, for each limit, fewer than <c>Requests</c> started in
/// the last <c>Per</c> (exact send times, a 2% margin for clock and network jitter, callers served in arrival
/// order). On 429 it pauses everyone until <c>Retry-After</c> and slows down (each period stretched up to 16×);
/// successful answers bring it back to the configured pace step by step. It also counts what it let through.
/// </summary>
public sealed class RequestRateLimiter : IDisposable
{
    private const double MaxSlowdown = 16;
    private const double Margin = 0.02;
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly SlidingLogRateLimiter? _log;
    private readonly Queue<long> _recent = new();
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
    public async ValueTask AcquireAsync(CancellationToken cancellationToken)
    {
        if (_log is not null)
        {
            using var lease = await _log.AcquireAsync(1, Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        }
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            if (_firstStart < 0)
            {
                _firstStart = now;
            }
            _recent.Enqueue(now);
            Prune(now);
        }
        Interlocked.Increment(ref _requests);
    }

    /// <summary>Learns from the vendor's answer: 429 pauses and slows down; anything else speeds back up.</summary>
    public void OnResponse(HttpStatusCode status, TimeSpan? retryAfter)
    {
        if (status == HttpStatusCode.TooManyRequests)
        {
            Interlocked.Increment(ref _throttled);
        }
        if (_log is null)
        {
            return;
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
