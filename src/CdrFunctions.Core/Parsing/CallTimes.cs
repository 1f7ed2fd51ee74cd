using System.Globalization;
using CdrFunctions.Pipeline.Time;

namespace CdrFunctions.Pipeline.Parsing;

/// <summary>
/// Range checks done before any date arithmetic: a vendor's "zero date" (<c>0001-01-01</c>) or <c>9999-12-31</c>
/// overflows a time-zone shift or an added duration. A call time outside 2000–2099 is a placeholder or a unit
/// mix-up, never a call; a duration over <see cref="MaxCallSeconds"/> is not one either.
/// </summary>
public static class CallTimes
{
    public static readonly DateTime MinLocal = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);
    public static readonly DateTime MaxLocal = new(2100, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);

    /// <summary>31 days: longer than any call or queue wait, far below what overflows a date.</summary>
    public const int MaxCallSeconds = 31 * 24 * 3600;

    /// <summary>The <c>0001-01-01 00:00:00</c> placeholder some exports write for "no date".</summary>
    public static bool IsZeroDate(DateTime local) => local == DateTime.MinValue;

    /// <summary>Why <paramref name="local"/> is not a call time, or null when it is plausible.</summary>
    public static string? OutOfRange(string field, DateTime local) =>
        local >= MinLocal && local < MaxLocal
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"field '{field}' is {local:yyyy-MM-dd HH:mm:ss}, outside 2000–2099 (not a plausible call time)");

    /// <summary>Converts a plausible local time to UTC; false (never an exception) for anything else.</summary>
    public static bool TryToUtc(VendorClock clock, DateTime local, out DateTimeOffset utc)
    {
        utc = default;
        if (local < MinLocal || local >= MaxLocal)
        {
            return false;
        }
        utc = clock.ToUtc(local);
        return true;
    }

    /// <summary>Why <paramref name="seconds"/> is not a duration, or null when it is plausible.</summary>
    public static string? DurationOutOfRange(string field, long seconds) =>
        seconds is >= 0 and <= MaxCallSeconds
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"field '{field}' is {seconds} seconds, outside 0–{MaxCallSeconds} (not a plausible duration)");

    /// <summary>Whole seconds from <paramref name="from"/> to <paramref name="to"/>; null when unknown, negative or implausible.</summary>
    public static int? Between(DateTimeOffset? from, DateTimeOffset? to) =>
        from is { } a && to is { } b && b >= a && (b - a).TotalSeconds <= MaxCallSeconds ? (int)(b - a).TotalSeconds : null;
}
