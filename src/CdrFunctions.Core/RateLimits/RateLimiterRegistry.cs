using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace CdrFunctions.Pipeline.RateLimits;

/// <summary>
/// The process's rate limiters, one per key (e.g. <c>{vendor}/sub-account/123</c>). It is a singleton, so
/// scheduled runs, backfills and live lookups of one key draw from the same permits. The first policy
/// registered for a key is the one it keeps.
/// </summary>
public sealed class RateLimiterRegistry(TimeProvider time) : IDisposable
{
    private readonly ConcurrentDictionary<string, SlidingLogRateLimiter> _limiters = new(StringComparer.Ordinal);

    public SlidingLogRateLimiter For(string key, RateLimitPolicy policy) =>
        _limiters.GetOrAdd(key, static (_, state) => new SlidingLogRateLimiter(state.policy, state.time), (policy, time));

    /// <summary>
    /// Waits for a permit of <paramref name="key"/>, or throws <see cref="RateLimitWaitException"/> when the
    /// wait would exceed <paramref name="maxWait"/> (nothing is sent then; the caller stops and resumes later).
    /// </summary>
    public async ValueTask AcquireAsync(string key, RateLimitPolicy policy, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var limiter = For(key, policy);
        using var lease = await limiter.AcquireAsync(1, maxWait, cancellationToken).ConfigureAwait(false);
        if (!lease.IsAcquired)
        {
            var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var r) ? r : maxWait;
            throw new RateLimitWaitException(key, limiter.Policy, retryAfter);
        }
    }

    /// <summary>The server answered 429: no permit of <paramref name="key"/> before <paramref name="retryAfter"/> has passed.</summary>
    public void Pause(string key, RateLimitPolicy policy, TimeSpan retryAfter) =>
        For(key, policy).PauseUntil(time.GetUtcNow() + retryAfter);

    public void Dispose()
    {
        foreach (var limiter in _limiters.Values)
        {
            limiter.Dispose();
        }
        _limiters.Clear();
    }
}

/// <summary>Our own limit would make the caller wait longer than it may; nothing was sent.</summary>
public sealed class RateLimitWaitException(string key, RateLimitPolicy policy, TimeSpan retryAfter)
    : Exception($"rate limit {policy} of {key} reached; the next request is allowed in {retryAfter:g}")
{
    public string Key { get; } = key;

    public TimeSpan RetryAfter { get; } = retryAfter;
}
