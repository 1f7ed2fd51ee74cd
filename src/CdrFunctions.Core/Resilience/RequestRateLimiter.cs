using System.Net;

namespace CdrFunctions.Pipeline.Resilience;

/// <summary>
/// Paces the requests of one vendor (all windows, all clients of a run and of the process) under every one of
/// its <see cref="RequestRateLimit"/>s at once: a request may start when, for each limit, fewer than
/// <c>Requests</c> started in the last <c>Per</c> (a sliding log of start times, exact, with a small margin for
/// clock and network jitter). On 429 it pauses everyone until <c>Retry-After</c> and slows down (each period
/// stretched up to 16×); successful answers bring it back to the configured pace step by step.
/// </summary>
public sealed class RequestRateLimiter
{
    private const double MaxSlowdown = 16;
    private const double Margin = 1.02;
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly Queue<long>[] _starts;
    private readonly Queue<long> _recent = new();
    private long _pausedUntil;
    private double _slowdown = 1;
    private long _firstStart = -1;
    private long _requests;
    private long _throttled;

    public RequestRateLimiter(string name, IReadOnlyList<RequestRateLimit> limits, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(limits);
        Name = name;
        Limits = limits;
        _time = time ?? TimeProvider.System;
        _starts = limits.Select(l => new Queue<long>(l.Requests)).ToArray();
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
    public double Slowdown
    {
        get
        {
            lock (_gate)
            {
                return _slowdown;
            }
        }
    }

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
        while (true)
        {
            long wait;
            lock (_gate)
            {
                var now = _time.GetTimestamp();
                var ready = _pausedUntil;
                for (var i = 0; i < _starts.Length; i++)
                {
                    var starts = _starts[i];
                    if (starts.Count >= Limits[i].Requests)
                    {
                        ready = Math.Max(ready, starts.Peek() + Ticks(Limits[i].Per * _slowdown * Margin));
                    }
                }
                if (ready <= now)
                {
                    Start(now);
                    return;
                }
                wait = ready - now;
            }
            await Task.Delay(TimeSpan.FromSeconds((double)wait / _time.TimestampFrequency), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Learns from the vendor's answer: 429 pauses and slows down; anything else speeds back up.</summary>
    public void OnResponse(HttpStatusCode status, TimeSpan? retryAfter)
    {
        lock (_gate)
        {
            if (status != HttpStatusCode.TooManyRequests)
            {
                _slowdown = Math.Max(1, _slowdown * 0.9);
                return;
            }
            Interlocked.Increment(ref _throttled);
            _slowdown = Math.Min(MaxSlowdown, _slowdown * 2);
            var pause = retryAfter is { } r && r > TimeSpan.Zero ? r : TimeSpan.FromSeconds(1);
            _pausedUntil = Math.Max(_pausedUntil, _time.GetTimestamp() + Ticks(pause));
        }
    }

    private void Start(long now)
    {
        for (var i = 0; i < _starts.Length; i++)
        {
            if (_starts[i].Count >= Limits[i].Requests)
            {
                _starts[i].Dequeue();
            }
            _starts[i].Enqueue(now);
        }
        if (_firstStart < 0)
        {
            _firstStart = now;
        }
        _recent.Enqueue(now);
        Prune(now);
        Interlocked.Increment(ref _requests);
    }

    private void Prune(long now)
    {
        while (_recent.Count > 0 && now - _recent.Peek() > Ticks(RateWindow))
        {
            _recent.Dequeue();
        }
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);
}
