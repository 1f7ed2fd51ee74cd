using System.Globalization;
using System.Text.Json;
using CdrFunctions.Pipeline.Time;

namespace CdrFunctions.Pipeline.Parsing;

/// <summary>
/// Tolerant readers for vendor JSON values: vendors send numbers as strings, booleans as 0/1 or "true",
/// and empty strings for "no value". Each returns an error text naming the field instead of throwing.
/// </summary>
public static class JsonValues
{
    /// <summary>
    /// Text of a string or number. Invalid UTF-8 or a lone surrogate is repaired with a warning in
    /// <paramref name="warnings"/>; without a collector (an id, which must be exact) it is an error.
    /// </summary>
    public static string? Text(JsonElement v, string field, out string? text, RecordWarnings? warnings = null)
    {
        switch (v.ValueKind)
        {
            case JsonValueKind.String:
                var s = SafeJson.Text(v, out var repaired).Trim();
                text = s.Length == 0 ? null : s;
                if (repaired)
                {
                    if (warnings is null)
                    {
                        text = null;
                        return $"field '{field}' holds invalid UTF-8 or a lone surrogate";
                    }
                    warnings.Repaired(field);
                }
                return null;
            case JsonValueKind.Number:
                text = v.GetRawText();
                return null;
            case JsonValueKind.Null:
                text = null;
                return null;
            default:
                text = null;
                return WrongType(field, v, "text");
        }
    }

    public static string? Bool(JsonElement v, string field, out bool? value)
    {
        value = null;
        switch (v.ValueKind)
        {
            case JsonValueKind.True:
                value = true;
                return null;
            case JsonValueKind.False:
                value = false;
                return null;
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.Number when v.TryGetInt64(out var n) && n is 0 or 1:
                value = n == 1;
                return null;
            case JsonValueKind.String:
                var s = StringOf(v);
                if (s.Length == 0)
                {
                    return null;
                }
                if (s is "1" || s.Equals("true", StringComparison.OrdinalIgnoreCase))
                {
                    value = true;
                    return null;
                }
                if (s is "0" || s.Equals("false", StringComparison.OrdinalIgnoreCase))
                {
                    value = false;
                    return null;
                }
                return $"field '{field}' is \"{Clip(s)}\", expected true or false";
            default:
                return WrongType(field, v, "true or false");
        }
    }

    /// <summary>Whole non-negative seconds or counts; decimals are rounded.</summary>
    public static string? Count(JsonElement v, string field, out int? value)
    {
        value = null;
        double d;
        switch (v.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.Number:
                if (v.TryGetInt32(out var i))
                {
                    d = i;
                    break;
                }
                d = v.GetDouble();
                break;
            case JsonValueKind.String:
                var s = StringOf(v);
                if (s.Length == 0)
                {
                    return null;
                }
                if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out d))
                {
                    return $"field '{field}' is \"{Clip(s)}\", expected a number";
                }
                break;
            case JsonValueKind.True:
            case JsonValueKind.False:
                // Some exports send a flag where a count is documented (e.g. "transferred": true).
                value = v.ValueKind == JsonValueKind.True ? 1 : 0;
                return null;
            default:
                return WrongType(field, v, "a number");
        }
        if (d < 0 || d > int.MaxValue || double.IsNaN(d))
        {
            return string.Create(CultureInfo.InvariantCulture, $"field '{field}' is {d}, expected a non-negative number");
        }
        value = (int)Math.Round(d, MidpointRounding.AwayFromZero);
        return null;
    }

    /// <summary>A duration in whole seconds (see <see cref="Count"/>); an implausible one is unknown with a warning, or an error without a collector.</summary>
    public static string? Duration(JsonElement v, string field, out int? seconds, RecordWarnings? warnings)
    {
        if (Count(v, field, out seconds) is { } error)
        {
            return error;
        }
        if (seconds is { } s && CallTimes.DurationOutOfRange(field, s) is { } range)
        {
            seconds = null;
            if (warnings is null)
            {
                return range;
            }
            warnings.Add(range + "; left unknown");
        }
        return null;
    }

    /// <summary>The trimmed text of a JSON string; bad bytes become U+FFFD (the caller's parse then names the field).</summary>
    public static string StringOf(JsonElement v) => SafeJson.Text(v, out _).Trim();

    /// <summary>
    /// A wall-clock time (<c>yyyy-MM-dd HH:mm:ss</c> and close variants) in the vendor's zone, as UTC; empty and
    /// zero dates (<c>0000-00-00</c>, <c>0001-01-01 00:00:00</c>) are unknown. A time outside 2000–2099 is an error,
    /// or, given <paramref name="warnings"/> (a field the call can do without), unknown with a warning.
    /// </summary>
    public static string? LocalTime(JsonElement v, string field, VendorClock clock, out DateTimeOffset? utc, RecordWarnings? warnings = null)
    {
        utc = null;
        if (v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (v.ValueKind != JsonValueKind.String)
        {
            return WrongType(field, v, "a time like 2025-11-22 13:43:18");
        }
        var s = SafeJson.Text(v, out _);
        if (!LocalTimes.TryParseIsoLike(s, out var local, out var empty))
        {
            return $"field '{field}' is \"{Clip(s)}\", expected a time like 2025-11-22 13:43:18";
        }
        if (empty || CallTimes.IsZeroDate(local))
        {
            return null;
        }
        if (!CallTimes.TryToUtc(clock, local, out var converted))
        {
            var range = CallTimes.OutOfRange(field, local)!;
            if (warnings is null)
            {
                return range;
            }
            warnings.Add(range + "; left unknown");
            return null;
        }
        utc = converted;
        return null;
    }

    private static string WrongType(string field, JsonElement v, string expected) =>
        $"field '{field}' is {Describe(v.ValueKind)}, expected {expected}";

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Number => "a number",
        JsonValueKind.String => "text",
        _ => kind.ToString().ToLowerInvariant(),
    };

    public static string Clip(string s) => s.Length <= 40 ? s : string.Concat(s.AsSpan(0, 40), "…");
}
