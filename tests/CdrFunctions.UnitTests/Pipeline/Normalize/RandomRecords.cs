using System.Text;
using CdrFunctions.Pipeline.Model;

namespace CdrFunctions.Tests.Pipeline.Normalize;

/// <summary>
/// Seeded calls whose every field holds what a CSV writer can get wrong: quotes, separators, CR and LF, tabs, leading
/// and trailing spaces, apostrophes and formula triggers, Turkish letters, emoji, lone surrogates, empty against null,
/// extreme numbers and times of any offset from year 1 to 9999.
/// </summary>
internal static class RandomRecords
{
    private static readonly string[] ReadablePieces =
    [
        "\"", ",", "\r", "\n", "\r\n", "\t", " ", "  ", "'", "=", "+", "-", "@", ";", "\\", "\0", "a", "Z", "0", "42", "x y",
        "ş", "İ", "ı", "ğ", "Ö", "ç", "é", "€", "😀", "👍🏽", "\u00A0", "\u2028", "\uFEFF", "\uFFFD", "\u007F", "\u0085", "日本",
        "\"\"", "=HYPERLINK(\"x\")", "abc,def", "+905321234567",
    ];

    private static readonly string[] Pieces = [.. ReadablePieces, "\uD800", "\uDBFF", "\uDC00", "\uDFFF", "a\uD83D", "\uDE00b"];

    private static readonly string[] Phones = ["+905321234567", "05321234567", "+", "++1", "12a", " 123", "123 ", "=1+2", "'0532", "-5", "@x", "\t1", "+90 532"];

    /// <summary>Any call, lone surrogates and undefined enum values included.</summary>
    public static CallRecord Any(Random random) => Build(random, Pieces, static text => text, directions: (-1, 6), outcomes: (-1, 8));

    /// <summary>
    /// A call the curated CSV reads back as it was: no lone surrogates (UTF-8 has no form for them), no empty optional
    /// text (it reads back as null) and defined enum values.
    /// </summary>
    public static CallRecord Readable(Random random) => Build(random, ReadablePieces, NullIfEmpty, directions: (0, 4), outcomes: (0, 6));

    /// <summary>A call from <paramref name="pieces"/>, its optional text passed through <paramref name="optional"/>; fields drawn in one fixed order.</summary>
    private static CallRecord Build(Random random, string[] pieces, Func<string?, string?> optional, (int Min, int Max) directions, (int Min, int Max) outcomes) => new()
    {
        Vendor = Text(random, pieces) ?? "",
        CallId = Text(random, pieces) ?? "",
        Direction = (CallDirection)random.Next(directions.Min, directions.Max),
        FromNumber = optional(Phone(random, pieces)),
        ToNumber = optional(Phone(random, pieces)),
        StartUtc = Time(random),
        AnswerUtc = Time(random),
        EndUtc = Time(random),
        QueueSeconds = Int(random),
        TalkSeconds = Int(random),
        HoldSeconds = Int(random),
        TotalSeconds = Int(random),
        Outcome = (CallOutcome)random.Next(outcomes.Min, outcomes.Max),
        AgentId = optional(Text(random, pieces)),
        AgentName = optional(Text(random, pieces)),
        Queue = optional(Text(random, pieces)),
        RecordingUrl = optional(Text(random, pieces)),
        TransferCount = Int(random),
        RawBlob = optional(Text(random, pieces)),
        Extras = Extras(random),
    };

    /// <summary>Text of about <paramref name="length"/> characters, lone surrogates included.</summary>
    public static string Text(Random random, int length)
    {
        var text = new StringBuilder(length + 8);
        while (text.Length < length)
        {
            text.Append(Pieces[random.Next(Pieces.Length)]);
        }
        return text.ToString();
    }

    /// <summary>Extras of about <paramref name="length"/> characters: one long string value full of escaped quotes, emoji and separators.</summary>
    public static CallExtras BigExtras(Random random, int length)
    {
        var json = new StringBuilder("{\"big\":\"");
        while (json.Length < length)
        {
            AppendJsonString(json, ReadablePieces[random.Next(ReadablePieces.Length)]);
        }
        return CallExtras.FromJson(json.Append("\",\"n\":1}").ToString());
    }

    private static string? Text(Random random, string[] pieces) => random.Next(10) switch
    {
        0 => null,
        1 => "",
        _ => string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => pieces[random.Next(pieces.Length)])),
    };

    private static string? Phone(Random random, string[] pieces) =>
        random.Next(3) == 0 ? Text(random, pieces) : Phones[random.Next(Phones.Length)];

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    private static int? Int(Random random) => random.Next(8) switch
    {
        0 => null,
        1 => 0,
        2 => int.MinValue,
        3 => int.MaxValue,
        4 => -random.Next(1000),
        5 => random.Next(int.MinValue, int.MaxValue),
        _ => random.Next(100_000),
    };

    private static DateTimeOffset? Time(Random random)
    {
        var utc = random.Next(9) switch
        {
            0 => (DateTimeOffset?)null,
            1 => DateTimeOffset.MinValue,
            2 => DateTimeOffset.MaxValue,
            3 => new DateTimeOffset(1, 1, 1, 5, 0, 0, TimeSpan.FromHours(3)),
            4 => new DateTimeOffset(9999, 12, 31, 20, 0, 0, 1, TimeSpan.FromHours(-3.5)),
            // Whole seconds, and fractions of every length (trailing zeros are dropped).
            5 => new DateTimeOffset(random.NextInt64(DateTime.MaxValue.Ticks / TimeSpan.TicksPerSecond) * TimeSpan.TicksPerSecond, TimeSpan.Zero),
            6 => new DateTimeOffset(Rounded(random.NextInt64(DateTime.MaxValue.Ticks), Pow10(random.Next(8))), TimeSpan.Zero),
            _ => new DateTimeOffset(random.NextInt64(DateTime.MaxValue.Ticks), TimeSpan.Zero),
        };
        if (utc is not { } value || random.Next(2) == 0)
        {
            return utc;
        }
        try
        {
            // The same instant at another offset: the CSV holds it in UTC either way.
            return value.ToOffset(TimeSpan.FromMinutes(random.Next(-14 * 60, 14 * 60 + 1)));
        }
        catch (ArgumentOutOfRangeException)
        {
            return value;
        }
    }

    private static long Pow10(int power) => (long)Math.Pow(10, power);

    private static long Rounded(long ticks, long unit) => ticks / unit * unit;

    private static CallExtras Extras(Random random)
    {
        if (random.Next(6) == 0)
        {
            return CallExtras.Empty;
        }
        // Whitespace between tokens is kept as it is, so raw CR, LF and tabs reach the cell as well as escaped ones.
        string[] gaps = ["", " ", "\r\n", "\t", "\n  "];
        var json = new StringBuilder("{");
        var fields = random.Next(1, 8);
        for (var i = 0; i < fields; i++)
        {
            json.Append(i == 0 ? "" : ",").Append(gaps[random.Next(gaps.Length)]).Append("\"k").Append(i).Append("\":").Append(gaps[random.Next(gaps.Length)]);
            if (random.Next(4) == 0)
            {
                json.Append(random.Next(-1000, 1000)).Append(".5");
                continue;
            }
            json.Append('"');
            AppendJsonString(json, Text(random, Pieces) ?? "");
            json.Append('"');
        }
        return CallExtras.FromJson(json.Append(gaps[random.Next(gaps.Length)]).Append('}').ToString());
    }

    /// <summary>Appends <paramref name="text"/> as the inside of a JSON string: quotes, backslashes, control characters and lone surrogates escaped.</summary>
    private static void AppendJsonString(StringBuilder json, string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            if (pair)
            {
                json.Append(c).Append(text[++i]);
            }
            else if (c is '"' or '\\')
            {
                json.Append('\\').Append(c);
            }
            else if (c < ' ' || char.IsSurrogate(c))
            {
                json.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                json.Append(c);
            }
        }
    }
}
