using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace CdrFunctions.Simulators.Common;

/// <summary>
/// A vendor's request rate limit and network latency, as a simulator plays them: every request waits
/// <see cref="Latency"/>, and beyond <see cref="RateLimit"/> requests in any <see cref="RateLimitPeriod"/>
/// (a sliding window, counted on arrival) it is answered 429 with a <c>Retry-After</c> in whole seconds.
/// Runs on the wall clock, so a benchmark can compare the achieved request rate with the allowed one.
/// </summary>
public sealed class RequestPacer
{
    private readonly Lock _gate = new();
    private readonly Queue<long> _admitted = new();
    private readonly TimeProvider _time = TimeProvider.System;
    private long _admittedCount;
    private long _throttledCount;

    /// <summary>Requests allowed per <see cref="RateLimitPeriod"/>; 0 = no limit.</summary>
    public int RateLimit { get; set; }

    public TimeSpan RateLimitPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Added to every answer, as a distant vendor's round trip and processing time.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Requests served (not throttled) so far.</summary>
    public long AdmittedRequests => Interlocked.Read(ref _admittedCount);

    /// <summary>Requests answered 429 because of <see cref="RateLimit"/>.</summary>
    public long ThrottledRequests => Interlocked.Read(ref _throttledCount);

    /// <summary>Wraps an endpoint: the limit on arrival, then the latency, then the endpoint itself (unless throttled).</summary>
    public RequestDelegate Wrap(RequestDelegate endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return async context =>
        {
            // Counted on arrival, as a vendor's gateway does; the answer then takes the latency, 429 or not.
            var retryAfter = TryAdmit();
            if (Latency > TimeSpan.Zero)
            {
                await Task.Delay(Latency, context.RequestAborted);
            }
            if (retryAfter is not null)
            {
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = retryAfter.Value.ToString(CultureInfo.InvariantCulture);
                await context.Response.WriteAsync("Too Many Requests", context.RequestAborted);
                return;
            }
            await endpoint(context);
        };
    }

    /// <summary>Null when admitted; otherwise the seconds until a slot frees up (at least 1).</summary>
    internal int? TryAdmit()
    {
        if (RateLimit <= 0)
        {
            Interlocked.Increment(ref _admittedCount);
            return null;
        }
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            var period = (long)(RateLimitPeriod.TotalSeconds * _time.TimestampFrequency);
            while (_admitted.Count > 0 && now - _admitted.Peek() >= period)
            {
                _admitted.Dequeue();
            }
            if (_admitted.Count >= RateLimit)
            {
                Interlocked.Increment(ref _throttledCount);
                var wait = (double)(_admitted.Peek() + period - now) / _time.TimestampFrequency;
                return Math.Max(1, (int)Math.Ceiling(wait));
            }
            _admitted.Enqueue(now);
            Interlocked.Increment(ref _admittedCount);
            return null;
        }
    }
}
