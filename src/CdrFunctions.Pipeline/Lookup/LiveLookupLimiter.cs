using Microsoft.Extensions.Options;

namespace CdrFunctions.Pipeline.Lookup;

/// <summary>Settings of section <c>LiveLookup</c> (app settings <c>LiveLookup__...</c>).</summary>
public sealed class LiveLookupOptions
{
    public const string Section = "LiveLookup";

    public const int MaxPerMinute = 10_000;

    /// <summary>
    /// Vendor calls that <c>?live=true</c> lookups may make per vendor and minute. Each one also lands a blob, and the
    /// vendor's own quota is shared with the scheduled pulls, so an API caller must not be able to spend it.
    /// </summary>
    public int PerMinute { get; set; } = 30;
}

/// <summary>The live lookup's limit was reached for a vendor; <see cref="RetryAfter"/> says when the next one is allowed.</summary>
public sealed class LiveLookupThrottledException(string vendor, TimeSpan retryAfter)
    : Exception($"live lookups of {vendor} are limited; retry in {Math.Ceiling(retryAfter.TotalSeconds)} s")
{
    public string Vendor { get; } = vendor;

    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>
/// A fixed one-minute window per vendor, on the injected clock (so tests move time, and every instance of a
/// scaled-out app limits on its own: the limit is per instance, which still bounds the cost per caller).
/// </summary>
public sealed class LiveLookupLimiter(IOptions<LiveLookupOptions> options, TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly Dictionary<string, (DateTimeOffset Start, int Used)> _windows = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Takes a permit for one vendor call, or throws <see cref="LiveLookupThrottledException"/>.</summary>
    public void Acquire(string vendor)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var (start, used) = _windows.TryGetValue(vendor, out var w) && now - w.Start < Window ? w : (now, 0);
            if (used >= options.Value.PerMinute)
            {
                throw new LiveLookupThrottledException(vendor, start + Window - now);
            }
            _windows[vendor] = (start, used + 1);
        }
    }
}
