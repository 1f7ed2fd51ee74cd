using System.Globalization;

namespace CdrFunctions.Pipeline.RateLimits;

/// <summary>At most <see cref="Permits"/> requests in any span of <see cref="Window"/> (a sliding window, not a fixed one).</summary>
public readonly record struct RateLimit(int Permits, TimeSpan Window)
{
    /// <summary>Reads <c>3/00:01:00</c> (permits / window as a TimeSpan); the form used in configuration.</summary>
    public static RateLimit Parse(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0
            && int.TryParse(text.AsSpan(0, slash).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var permits) && permits > 0
            && TimeSpan.TryParse(text.AsSpan(slash + 1).Trim(), CultureInfo.InvariantCulture, out var window) && window > TimeSpan.Zero)
        {
            return new RateLimit(permits, window);
        }
        throw new FormatException($"'{text}' is not a rate limit like 3/00:01:00 (requests / window).");
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Permits}/{Window:c}");
}

/// <summary>
/// Every limit a caller must stay under at once (e.g. 3 per minute and 9 per 15 minutes). The margin is added
/// to each window, because the server counts arrival times and ours are send times.
/// </summary>
public sealed record RateLimitPolicy(IReadOnlyList<RateLimit> Limits, TimeSpan SafetyMargin)
{
    public RateLimitPolicy(params RateLimit[] limits)
        : this(limits, TimeSpan.Zero)
    {
    }

    public override string ToString() => string.Join(" and ", Limits) + (SafetyMargin > TimeSpan.Zero ? $" (+{SafetyMargin:c})" : "");
}
