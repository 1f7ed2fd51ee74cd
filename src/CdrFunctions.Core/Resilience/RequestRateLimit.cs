using System.Globalization;

namespace CdrFunctions.Pipeline.Resilience;

/// <summary>
/// At most <see cref="Requests"/> requests in any <see cref="Per"/>. Written in settings as
/// <c>requests/duration</c>, several joined by commas: <c>3/60s,9/15m</c> (units ms, s, m, h, or a TimeSpan).
/// </summary>
public readonly record struct RequestRateLimit(int Requests, TimeSpan Per)
{
    /// <summary>The steady rate this limit allows, in requests per second.</summary>
    public double PerSecond => Requests / Per.TotalSeconds;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Requests}/{Per.TotalSeconds:0.###}s");

    /// <summary>Parses a list; empty, <c>none</c> or <c>off</c> means no limit. Returns an error text instead of throwing.</summary>
    public static string? TryParseList(string? text, out IReadOnlyList<RequestRateLimit> limits)
    {
        limits = [];
        if (string.IsNullOrWhiteSpace(text) || text.Trim() is "none" or "off")
        {
            return null;
        }
        var list = new List<RequestRateLimit>();
        foreach (var part in text.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var slash = part.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0
                || !int.TryParse(part.AsSpan(0, slash).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var requests) || requests < 1
                || ParseDuration(part[(slash + 1)..].Trim()) is not { } per || per <= TimeSpan.Zero)
            {
                return $"'{part}' is not a rate limit like 5/1s, 3/60s or 9/15m";
            }
            list.Add(new RequestRateLimit(requests, per));
        }
        limits = list;
        return null;
    }

    public static IReadOnlyList<RequestRateLimit> ParseList(string? text) =>
        TryParseList(text, out var limits) is { } error ? throw new FormatException(error) : limits;

    private static TimeSpan? ParseDuration(string s)
    {
        if (TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var span) && s.Contains(':', StringComparison.Ordinal))
        {
            return span;
        }
        var (number, unit) = s.EndsWith("ms", StringComparison.OrdinalIgnoreCase) ? (s[..^2], 0.001)
            : s.EndsWith('s') || s.EndsWith('S') ? (s[..^1], 1.0)
            : s.EndsWith('m') || s.EndsWith('M') ? (s[..^1], 60.0)
            : s.EndsWith('h') || s.EndsWith('H') ? (s[..^1], 3600.0)
            : (s, 1.0);
        return double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value > 0
            ? TimeSpan.FromSeconds(value * unit)
            : null;
    }
}
