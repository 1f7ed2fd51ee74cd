using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Parsing;
using CdrFunctions.Pipeline.Phones;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Pipeline.Vendors;
using CsvHelper;

namespace CdrFunctions.Vendors.EngageVoice;

/// <summary>
/// Reads an Engage Voice Call Detail Report CSV, with or without its header row (<c>media_market</c> or the
/// seed's <c>smedia_market</c>), CRLF or LF, with or without a UTF-8 BOM. Without a header the seed's 34
/// columns are assumed in order. Empty columns beyond the known ones are ignored; a record with fewer
/// columns, or more non-empty ones, is quarantined with its line number. One instance per file.
/// </summary>
public sealed class EngageVoiceParser(VendorClock clock, PhoneNumberNormalizer phones) : IDisposable
{
    /// <summary>The report's columns, in order (the seed's list; the docs spell column 9 <c>media_market</c>).</summary>
    public static readonly IReadOnlyList<string> Columns =
    [
        "cloud_profile_id", "profile_name", "uii", "ani", "dnis", "outbound_externid", "media_isci", "media_network",
        "media_market", "media_code", "media_format", "media_version", "media_length", "enqueue_time", "dequeue_time",
        "queue_time", "call_state", "is_cellular", "dequeue_attempts", "call_result", "inbound_duration", "recording_url",
        "connected_id", "connected_name", "connected_route", "connected_duration",
        "attempt_1_id", "attempt_1_name", "attempt_1_route", "attempt_1_disp",
        "attempt_2_id", "attempt_2_name", "attempt_2_route", "attempt_2_disp",
    ];

    /// <summary>Report times: <c>4/20/20 6:12 AM</c>; seconds and four-digit years are accepted too.</summary>
    private static readonly string[] TimeFormats = ["M/d/yy h:mm tt", "M/d/yy h:mm:ss tt", "M/d/yyyy h:mm tt", "M/d/yyyy h:mm:ss tt", "M/d/yy H:mm", "M/d/yyyy H:mm"];

    private static readonly CsvReaderOptions ReaderOptions = new()
    {
        Separator = ',',
        HasHeader = false,
        TrackLineNumbers = true,
        SkipEmptyLines = true,
        AllowLineBreaksInQuotes = false,
        FormatProvider = CultureInfo.InvariantCulture,
        // A runaway record (an unclosed quote, a file without line breaks) ends the file with a clear error.
        MaxRecordSize = ParseGuard.MaxRecordBytes,
    };

    /// <summary>Longest field decoded on the stack (a time, a count); longer ones are decoded to a string.</summary>
    internal const int MaxStackChars = 64;

    private static readonly EngageVoiceColumn[] DefaultColumns = EngageVoiceColumn.Of(Columns);

    private readonly EngageVoiceRecordMapper _mapper = new(clock, phones);

    public void Dispose() => _mapper.Dispose();

    /// <summary>Never throws for bad data: each record is mapped in its own guard, and the file in one.</summary>
    public IAsyncEnumerable<ParseResult> ParseAsync(Stream raw, RawFileInfo file, CancellationToken cancellationToken) =>
        ParseGuard.FileAsync(ParseFileAsync(raw, cancellationToken), cancellationToken);

    private async IAsyncEnumerable<ParseResult> ParseFileAsync(Stream raw, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var csv = CsvReader.Create(raw, ReaderOptions, leaveOpen: true);
        var columns = DefaultColumns;
        var first = true;
        while (await csv.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var firstRecord = first;
            if (first)
            {
                first = false;
                var fields = new string[csv.FieldCount];
                for (var i = 0; i < fields.Length; i++)
                {
                    fields[i] = csv.GetString(i) ?? "";
                }
                fields[0] = fields[0].TrimStart('\uFEFF');
                var start = fields[0].TrimStart();
                if (start.StartsWith('<') || start.StartsWith('{') || start.StartsWith('['))
                {
                    yield return ParseResult.Bad(new Quarantined("file", "the file is not a CSV report (it starts like HTML or JSON: an error page?)", FileLevel: true));
                    yield break;
                }
                if (Array.Exists(fields, f => f.Trim().Equals("uii", StringComparison.OrdinalIgnoreCase)))
                {
                    columns = EngageVoiceColumn.Of(fields.Select(HeaderName));
                    continue;
                }
            }
            yield return Map(csv, columns, firstRecord);
        }
    }

    private ParseResult Map(CsvReader csv, EngageVoiceColumn[] columns, bool firstRecord)
    {
        try
        {
            return _mapper.Map(csv, columns, firstRecord);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return ParseGuard.Failed(e, EngageVoiceRecordMapper.Position(csv), EngageVoiceRecordMapper.Raw(csv));
        }
    }

    /// <summary>Header names trimmed and lower-case; the seed's <c>smedia_market</c> is the docs' <c>media_market</c>.</summary>
    private static string HeaderName(string name)
    {
        var n = name.Trim().ToLowerInvariant();
        return n == "smedia_market" ? "media_market" : n;
    }

    /// <summary>
    /// <c>call_result</c>: only <c>CONNECTED</c> appears in the docs; the other words are inferred from the
    /// Engage admin UI's vocabulary. The raw value always stays in extras.
    /// </summary>
    internal static CallOutcome Outcome(string? callResult)
    {
        var r = callResult?.Replace('_', ' ').ToUpperInvariant() ?? "";
        return r switch
        {
            "" => CallOutcome.Unknown,
            "CONNECTED" or "ANSWERED" => CallOutcome.Answered,
            _ when r.Contains("ABANDON", StringComparison.Ordinal) => CallOutcome.Abandoned,
            _ when r.Contains("VOICEMAIL", StringComparison.Ordinal) => CallOutcome.Voicemail,
            _ when r.Contains("NO ANSWER", StringComparison.Ordinal) || r.Contains("NOANSWER", StringComparison.Ordinal) || r.Contains("UNANSWERED", StringComparison.Ordinal) => CallOutcome.Missed,
            _ when r.Contains("BUSY", StringComparison.Ordinal) || r.Contains("FAIL", StringComparison.Ordinal) || r.Contains("ERROR", StringComparison.Ordinal) || r.Contains("REJECT", StringComparison.Ordinal) => CallOutcome.Failed,
            _ => CallOutcome.Unknown,
        };
    }

    /// <summary>A report time in any of <see cref="TimeFormats"/>, as <see cref="DateTime.TryParseExact(string, string[], IFormatProvider, DateTimeStyles, out DateTime)"/> reads it.</summary>
    internal static DateTime? ParseReportTime(ReadOnlySpan<char> text)
    {
        // The culture-aware parse costs microseconds a text; the report's own shape is read by hand and kept only
        // when the first format writes that time back as exactly this text, which the framework's parse (trying
        // that format first) would then read as this time too.
        if (TryParseUsualTime(text, out var usual))
        {
            return usual;
        }
        return DateTime.TryParseExact(text, TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AllowInnerWhite, out var parsed) ? parsed : null;
    }

    /// <summary><c>M/d/yy h:mm tt</c>, two-digit years as the invariant calendar reads them.</summary>
    private static bool TryParseUsualTime(ReadOnlySpan<char> text, out DateTime local)
    {
        local = default;
        var at = 0;
        if (!Digits(text, ref at, out var month) || !Next(text, ref at, '/')
            || !Digits(text, ref at, out var day) || !Next(text, ref at, '/')
            || !Digits(text, ref at, out var year) || !Next(text, ref at, ' ')
            || !Digits(text, ref at, out var hour) || !Next(text, ref at, ':')
            || !Digits(text, ref at, out var minute) || !Next(text, ref at, ' ')
            || text.Length - at != 2 || text[at + 1] != 'M' || text[at] is not ('A' or 'P'))
        {
            return false;
        }
        year = CultureInfo.InvariantCulture.Calendar.ToFourDigitYear(year);
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour is < 1 or > 12 || minute > 59)
        {
            return false;
        }
        local = new DateTime(year, month, day, (hour % 12) + (text[at] == 'P' ? 12 : 0), minute, 0, DateTimeKind.Unspecified);
        Span<char> written = stackalloc char[24];
        return local.TryFormat(written, out var length, TimeFormats[0], CultureInfo.InvariantCulture) && written[..length].SequenceEqual(text);

        static bool Digits(ReadOnlySpan<char> text, ref int at, out int value)
        {
            value = 0;
            var start = at;
            while (at < text.Length && at - start < 2 && char.IsAsciiDigit(text[at]))
            {
                value = (value * 10) + (text[at++] - '0');
            }
            return at > start;
        }

        static bool Next(ReadOnlySpan<char> text, ref int at, char expected)
        {
            if (at < text.Length && text[at] == expected)
            {
                at++;
                return true;
            }
            return false;
        }
    }

    /// <summary><see cref="long.TryParse(string, NumberStyles, IFormatProvider, out long)"/> of the field's text.</summary>
    internal static bool TryParseLong(ReadOnlySpan<byte> value, NumberStyles style, out long n)
    {
        // Up to 18 ASCII digits (no overflow): their value, as the framework reads them in either style, without decoding.
        if (value.Length is > 0 and <= 18 && value.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0)
        {
            n = 0;
            foreach (var digit in value)
            {
                n = (n * 10) + (digit - '0');
            }
            return true;
        }
        Span<char> buffer = stackalloc char[MaxStackChars];
        ReadOnlySpan<char> text = value.Length <= MaxStackChars ? buffer[..Encoding.UTF8.GetChars(value, buffer)] : Utf8Text.Decode(value);
        return long.TryParse(text, style, CultureInfo.InvariantCulture, out n);
    }

    internal static string Clip(string s) => s.Length <= 40 ? s : string.Concat(s.AsSpan(0, 40), "…");
}
