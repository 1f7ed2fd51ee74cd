using System.Globalization;

namespace CdrFunctions.Pipeline.Parsing;

/// <summary>Wall-clock timestamps as vendors write them (no offset).</summary>
public static class LocalTimes
{
    private static readonly string[] IsoLikeFormats =
    [
        "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm",
    ];

    /// <summary>
    /// <c>yyyy-MM-dd HH:mm:ss</c> (the common case, parsed without allocating) and close variants.
    /// Returns false for text that is not such a time; the all-zero MySQL "no date" is reported as empty.
    /// </summary>
    public static bool TryParseIsoLike(ReadOnlySpan<char> s, out DateTime value, out bool empty)
    {
        value = default;
        s = s.Trim();
        empty = s.IsEmpty || s.StartsWith("0000-00-00");
        if (empty)
        {
            return true;
        }
        if (s.Length == 19 && s[4] == '-' && s[7] == '-' && (s[10] == ' ' || s[10] == 'T') && s[13] == ':' && s[16] == ':'
            && Digits(s, 0, 4, out var y) && Digits(s, 5, 2, out var mo) && Digits(s, 8, 2, out var d)
            && Digits(s, 11, 2, out var h) && Digits(s, 14, 2, out var mi) && Digits(s, 17, 2, out var sec)
            && mo is >= 1 and <= 12 && d >= 1 && d <= DateTime.DaysInMonth(Math.Max(y, 1), mo) && h < 24 && mi < 60 && sec < 60 && y >= 1)
        {
            value = new DateTime(y, mo, d, h, mi, sec, DateTimeKind.Unspecified);
            return true;
        }
        return DateTime.TryParseExact(s, IsoLikeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }

    private static bool Digits(ReadOnlySpan<char> s, int start, int length, out int value)
    {
        value = 0;
        for (var i = start; i < start + length; i++)
        {
            var c = s[i];
            if (c is < '0' or > '9')
            {
                return false;
            }
            value = (value * 10) + (c - '0');
        }
        return true;
    }
}
