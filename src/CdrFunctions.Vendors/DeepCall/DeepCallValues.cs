using System.Globalization;
using System.Text.Json;
using CdrFunctions.Pipeline.Parsing;

namespace CdrFunctions.Vendors.DeepCall;

/// <summary>DeepCall's value formats, read from a <see cref="Utf8JsonReader"/> standing on the value; each returns an error text naming the field.</summary>
internal static class DeepCallValues
{
    /// <summary>Epoch milliseconds (a number or digits as text) of a plausible call time.</summary>
    public static string? EpochMillis(ref Utf8JsonReader v, ReadOnlySpan<byte> source, out DateTimeOffset? utc)
    {
        utc = null;
        long ms;
        switch (v.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.Number when v.TryGetInt64(out ms):
                break;
            case JsonTokenType.String:
                var s = Utf8Values.Decode(ref v, out _).Trim();
                if (s.Length == 0)
                {
                    return null;
                }
                if (!long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out ms))
                {
                    return $"field 'tm' is \"{JsonValues.Clip(s)}\", expected epoch milliseconds";
                }
                break;
            default:
                // The value's own JSON text: an object or array is measured on a copy of the reader.
                var start = (int)v.TokenStartIndex;
                var end = v;
                end.Skip();
                var raw = System.Text.Encoding.UTF8.GetString(source[start..(int)end.BytesConsumed]);
                return $"field 'tm' is {Utf8Values.KindName(v.TokenType)} {JsonValues.Clip(raw)}, expected epoch milliseconds";
        }
        // Before 2000 or after 2100 is not a call time but a unit mix-up (seconds, microseconds).
        if (ms is < 946_684_800_000 or > 4_102_444_800_000)
        {
            return string.Create(CultureInfo.InvariantCulture, $"field 'tm' is {ms}, not epoch milliseconds of a plausible call time");
        }
        utc = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        return null;
    }

    /// <summary><c>HH:mm:ss</c> (hours may exceed 23), or whole seconds as a number.</summary>
    public static string? Hms(ref Utf8JsonReader v, string field, out int? seconds)
    {
        seconds = null;
        switch (v.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.Number:
                return Utf8Values.Count(ref v, field, out seconds);
            case JsonTokenType.String:
                break;
            default:
                return $"field '{field}' is {Utf8Values.KindName(v.TokenType)}, expected HH:mm:ss";
        }
        if (!v.ValueIsEscaped && TryHms(v.ValueSpan, out var parsed))
        {
            seconds = parsed;
            return null;
        }
        var s = Utf8Values.Decode(ref v, out _).Trim();
        if (s.Length == 0)
        {
            return null;
        }
        var parts = s.Split(':');
        if (parts.Length == 3
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var h)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m < 60 && parts[1].Length == 2
            && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var sec) && sec < 60 && parts[2].Length == 2
            && h < 100_000)
        {
            seconds = (h * 3600) + (m * 60) + sec;
            return null;
        }
        return $"field '{field}' is \"{JsonValues.Clip(s)}\", expected HH:mm:ss";
    }

    /// <summary>
    /// The usual <c>HH:mm:ss</c> straight from its bytes (digits, two colons, nothing around them); anything else,
    /// padding and errors included, is left to the text path, which accepts exactly this and more.
    /// </summary>
    private static bool TryHms(ReadOnlySpan<byte> s, out int seconds)
    {
        seconds = 0;
        var colon = s.IndexOf((byte)':');
        if (colon < 1 || s.Length != colon + 6 || s[colon + 3] != (byte)':')
        {
            return false;
        }
        var h = 0;
        foreach (var b in s[..colon])
        {
            if (!char.IsAsciiDigit((char)b))
            {
                return false;
            }
            // Leading zeros are fine; 100,000 hours or more is an error the text path words.
            h = (h * 10) + (b - '0');
            if (h >= 100_000)
            {
                return false;
            }
        }
        if (!TwoDigits(s[(colon + 1)..], out var m) || !TwoDigits(s[(colon + 4)..], out var sec) || m >= 60 || sec >= 60)
        {
            return false;
        }
        seconds = (h * 3600) + (m * 60) + sec;
        return true;
    }

    private static bool TwoDigits(ReadOnlySpan<byte> s, out int value)
    {
        value = ((s[0] - '0') * 10) + (s[1] - '0');
        return char.IsAsciiDigit((char)s[0]) && char.IsAsciiDigit((char)s[1]);
    }

    /// <summary><c>22/Nov/2025</c> + <c>4:13:18 pm</c> (lower-case am/pm).</summary>
    public static bool TryLocalDateTime(string date, string time, out DateTime local) =>
        DateTime.TryParseExact($"{date} {time.ToUpperInvariant()}", ["dd/MMM/yyyy h:mm:ss tt", "d/MMM/yyyy h:mm:ss tt"],
            CultureInfo.InvariantCulture, DateTimeStyles.None, out local);
}
