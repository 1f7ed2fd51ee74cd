using System.Text;

namespace CdrFunctions.Tests.Robustness;

/// <summary>
/// Seeded mutations of a vendor's sample payload: byte flips, truncation, invalid UTF-8, lone surrogates,
/// extreme dates and numbers, deep nesting, BOM/CR/LF mixes and values of the wrong type.
/// </summary>
internal sealed class Mutator(int seed, bool json)
{
    private static readonly string[] ExtremeValues =
    [
        "\"0001-01-01 00:00:00\"", "\"9999-12-31 23:59:59\"", "\"0000-00-00 00:00:00\"", "\"01/Jan/0001\"", "\"31/Dec/9999\"",
        "\"12/31/9999 11:59 PM\"", "\"1/1/0001 12:00 AM\"", "1e308", "-1", "99999999999999999999", "-9223372036854775808", "0.5",
        "\"99:99:99\"", "\"999999999:00:00\"", "253402300800000", "-62135596800001", "NaN", "\"\"", "null",
        "true", "{}", "[]", "[1,2]", "{\"a\":{}}", "\"\\ud800\"", "\"\\udc00x\"", "\"a\\ud800\\ud800\"",
    ];

    private static readonly string[] ExtremeCsvValues =
    [
        "12/31/9999 11:59 PM", "1/1/0001 12:00 AM", "99999999999", "-5", "2147483648", "\"", "\"\"\"", "a\"b", "",
        "4/20/20 25:61 AM", "ANSWER(99999999999999999999)", "ANSWER(", "\uFEFF", "=1+1",
    ];

    private readonly Random _random = new(seed);

    public byte[] Mutate(byte[] input)
    {
        var bytes = input;
        var rounds = 1 + _random.Next(3);
        for (var i = 0; i < rounds; i++)
        {
            bytes = Once(bytes);
        }
        return bytes;
    }

    private byte[] Once(byte[] b) => _random.Next(10) switch
    {
        0 => FlipBytes(b),
        1 => b[..(b.Length == 0 ? 0 : _random.Next(b.Length))],
        2 => Insert(b, RandomInvalidUtf8()),
        3 => json ? InsertInString(b, "\\ud800") : Insert(b, [0xED, 0xA0, 0x80]),
        4 => ReplaceValue(b),
        5 => json ? Nest(b) : Insert(b, Encoding.UTF8.GetBytes(new string(',', _random.Next(1, 50)))),
        6 => LineEndings(b),
        7 => [0xEF, 0xBB, 0xBF, .. b],
        8 => json ? WrongType(b) : ReplaceValue(b),
        _ => json ? InsertInString(b, "\\udc00") : FlipBytes(b),
    };

    private byte[] FlipBytes(byte[] b)
    {
        var copy = (byte[])b.Clone();
        for (var i = 0; i < 1 + _random.Next(4) && copy.Length > 0; i++)
        {
            copy[_random.Next(copy.Length)] ^= (byte)(1 << _random.Next(8));
        }
        return copy;
    }

    private byte[] RandomInvalidUtf8() => _random.Next(5) switch
    {
        0 => [0xFF],
        1 => [0xC3],
        2 => [0xE2, 0x82],
        3 => [0xC0, 0xAF],
        _ => [0xED, 0xA0, 0x80],
    };

    private byte[] Insert(byte[] b, byte[] what)
    {
        var at = b.Length == 0 ? 0 : _random.Next(b.Length);
        return [.. b[..at], .. what, .. b[at..]];
    }

    /// <summary>Inserts right after an opening quote, so the text lands inside a string value or name.</summary>
    private byte[] InsertInString(byte[] b, string text)
    {
        var quotes = Positions(b, (byte)'"');
        if (quotes.Count == 0)
        {
            return Insert(b, Encoding.UTF8.GetBytes(text));
        }
        var at = quotes[_random.Next(quotes.Count)] + 1;
        var what = _random.Next(2) == 0 ? Encoding.UTF8.GetBytes(text) : RandomInvalidUtf8();
        return [.. b[..at], .. what, .. b[at..]];
    }

    /// <summary>Replaces the value after a ':' (JSON) or a field between commas (CSV) with an extreme one.</summary>
    private byte[] ReplaceValue(byte[] b)
    {
        var marks = Positions(b, json ? (byte)':' : (byte)',');
        if (marks.Count == 0)
        {
            return b;
        }
        var at = marks[_random.Next(marks.Count)] + 1;
        var end = at;
        if (json)
        {
            end = SkipJsonScalar(b, at);
        }
        else
        {
            while (end < b.Length && b[end] is not ((byte)',' or (byte)'\n' or (byte)'\r'))
            {
                end++;
            }
        }
        var value = json ? ExtremeValues[_random.Next(ExtremeValues.Length)] : ExtremeCsvValues[_random.Next(ExtremeCsvValues.Length)];
        return [.. b[..at], .. Encoding.UTF8.GetBytes(value), .. b[end..]];
    }

    private static int SkipJsonScalar(byte[] b, int at)
    {
        var i = at;
        while (i < b.Length && b[i] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            i++;
        }
        if (i < b.Length && b[i] == (byte)'"')
        {
            i++;
            while (i < b.Length && b[i] != (byte)'"')
            {
                i += b[i] == (byte)'\\' ? 2 : 1;
            }
            return Math.Min(i + 1, b.Length);
        }
        while (i < b.Length && b[i] is not ((byte)',' or (byte)'}' or (byte)']' or (byte)'{' or (byte)'['))
        {
            i++;
        }
        return i;
    }

    private byte[] WrongType(byte[] b)
    {
        var marks = Positions(b, (byte)':');
        if (marks.Count == 0)
        {
            return b;
        }
        var at = marks[_random.Next(marks.Count)] + 1;
        var end = SkipJsonScalar(b, at);
        string[] wrong = ["{}", "[]", "true", "123", "\"text\"", "null", "[{\"a\":1}]", "{\"b\":[]}"];
        return [.. b[..at], .. Encoding.UTF8.GetBytes(wrong[_random.Next(wrong.Length)]), .. b[end..]];
    }

    private byte[] Nest(byte[] b)
    {
        var marks = Positions(b, (byte)':');
        if (marks.Count == 0)
        {
            return b;
        }
        var at = marks[_random.Next(marks.Count)] + 1;
        var end = SkipJsonScalar(b, at);
        var depth = _random.Next(2) == 0 ? _random.Next(2, 20) : _random.Next(60, 300);
        return [.. b[..at], .. Encoding.UTF8.GetBytes(new string('[', depth)), .. b[at..end], .. Encoding.UTF8.GetBytes(new string(']', depth)), .. b[end..]];
    }

    private byte[] LineEndings(byte[] b)
    {
        var text = Encoding.UTF8.GetString(b);
        var replaced = _random.Next(3) switch
        {
            0 => text.Replace("\n", "\r\n", StringComparison.Ordinal),
            1 => text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r", StringComparison.Ordinal),
            _ => string.Concat(text.Split('\n').Select((line, i) => i == 0 ? line : (i % 2 == 0 ? "\r\n" : "\n") + line)),
        };
        // Decoding may have replaced invalid bytes: keep the original bytes when the text was not clean.
        return Encoding.UTF8.GetByteCount(text) == b.Length && System.Text.Unicode.Utf8.IsValid(b) ? Encoding.UTF8.GetBytes(replaced) : b;
    }

    private static List<int> Positions(byte[] b, byte what)
    {
        var list = new List<int>();
        for (var i = 0; i < b.Length; i++)
        {
            if (b[i] == what)
            {
                list.Add(i);
            }
        }
        return list;
    }
}
