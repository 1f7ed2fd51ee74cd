using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Unicode;
using System.Text;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Parsing;
using CdrFunctions.Pipeline.Phones;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Pipeline.Vendors;
using CdrFunctions.Vendors.EngageVoice;
using CsvHelper;

namespace CdrFunctions.Tests.Vendors.EngageVoice.Reference;

// The Engage Voice parser as it was at the end of session 6 (main at 38da613): EngageVoiceParser,
// EngageVoiceRecordMapper, EngageVoiceTimes and EngageVoiceColumn, renamed, kept only so that
// EngageVoiceMemoDifferentialTests can compare the parser with it over the fuzz corpus. Their own words follow.

/// <summary>
/// Reads an Engage Voice Call Detail Report CSV, with or without its header row (<c>media_market</c> or the
/// seed's <c>smedia_market</c>), CRLF or LF, with or without a UTF-8 BOM. Without a header the seed's 34
/// columns are assumed in order. Empty columns beyond the known ones are ignored; a record with fewer
/// columns, or more non-empty ones, is quarantined with its line number. One instance per file.
/// </summary>
internal sealed class Session6EngageVoiceParser(VendorClock clock, PhoneNumberNormalizer phones) : IDisposable
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

    private static readonly Session6EngageVoiceColumn[] DefaultColumns = Session6EngageVoiceColumn.Of(Columns);

    private readonly Session6EngageVoiceRecordMapper _mapper = new(clock, phones);

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
                    columns = Session6EngageVoiceColumn.Of(fields.Select(HeaderName));
                    continue;
                }
            }
            yield return Map(csv, columns, firstRecord);
        }
    }

    private ParseResult Map(CsvReader csv, Session6EngageVoiceColumn[] columns, bool firstRecord)
    {
        try
        {
            return _mapper.Map(csv, columns, firstRecord);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return ParseGuard.Failed(e, Session6EngageVoiceRecordMapper.Position(csv), Session6EngageVoiceRecordMapper.Raw(csv));
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

/// <summary>
/// Maps the record a <see cref="CsvReader"/> stands on from its fields' UTF-8 bytes, with the semantics of reading
/// each field as a trimmed string: a field with invalid UTF-8 is read as its string (U+FFFD in place of the bad
/// bytes) and the record says so, or is quarantined when it is the call id. One per parser: it keeps the file's
/// repeating values and its extras buffer.
/// </summary>
internal sealed class Session6EngageVoiceRecordMapper(VendorClock clock, PhoneNumberNormalizer phones) : IDisposable
{
    private static readonly SearchValues<byte> PlainRecordBytes = SearchValues.Create(
        [.. Enumerable.Range(0x20, 0x7F - 0x20).Where(b => b is not ('"' or '\\')).Select(b => (byte)b), (byte)'\r', (byte)'\n']);

    private readonly Utf8ExtrasWriter _extras = new();
    private readonly RecordWarnings _warnings = new();
    private readonly Session6EngageVoiceTimes _times = new(clock);
    private readonly RecentStrings _profiles = new();
    private readonly RecentStrings _results = new();

    // Whether the record being mapped is all printable ASCII without quote or backslash (see Map).
    private bool _plainRecord;

    // The last call_result and its outcome (Outcome(null) is Unknown, the default).
    private string? _lastResult;
    private CallOutcome _lastOutcome;

    public void Dispose() => _extras.Dispose();

    /// <summary>The call of the record, or its quarantine entry.</summary>
    public ParseResult Map(CsvReader csv, Session6EngageVoiceColumn[] columns, bool firstRecord)
    {
        var count = csv.FieldCount;
        if (count < columns.Length)
        {
            return Bad(csv, $"the record has {count} columns, expected {columns.Length} (a cut-off line?)");
        }
        for (var i = columns.Length; i < count; i++)
        {
            if (!Utf8Text.Trim(csv.GetSpan(i)).IsEmpty)
            {
                return Bad(csv, $"the record has {count} columns, expected {columns.Length}, and column {i + 1} is not empty");
            }
        }

        // Fields are cut at ASCII separators, so a valid record has only valid fields: one check for the usual case.
        // A record of printable ASCII without quotes or backslashes (nearly every one) is valid, and every value
        // in it is written to extras as it is.
        _plainRecord = csv.RawRecord.IndexOfAnyExcept(PlainRecordBytes) < 0;
        var validRecord = _plainRecord || Utf8.IsValid(csv.RawRecord);
        var f = new Fields();
        _warnings.Clear();
        _extras.Start();
        for (var i = 0; i < columns.Length; i++)
        {
            var column = columns[i];
            ReadOnlySpan<byte> value;
            if (validRecord || Utf8.IsValid(csv.GetRawSpan(i)))
            {
                value = csv.GetSpan(i);
                if (firstRecord && i == 0)
                {
                    while (value.StartsWith("\uFEFF"u8))
                    {
                        value = value[3..];
                    }
                }
                value = Utf8Text.Trim(value);
            }
            else
            {
                // The reader puts U+FFFD in place of the bad bytes; the record says so (or is quarantined, for its id).
                if (column.Field == Session6EngageVoiceField.Uii)
                {
                    return Bad(csv, "column 'uii' (the call id) holds invalid UTF-8");
                }
                _warnings.Repaired(column.Name);
                var text = csv.GetString(i) ?? "";
                value = Encoding.UTF8.GetBytes((firstRecord && i == 0 ? text.TrimStart('\uFEFF') : text).Trim());
            }
            // Most columns only go to extras: no call for them.
            if (column.Field == Session6EngageVoiceField.Other)
            {
                Extra(column, value);
                continue;
            }
            var error = Read(column, value, ref f);
            if (error is not null)
            {
                return Bad(csv, error);
            }
        }

        if (string.IsNullOrEmpty(f.Uii))
        {
            return Bad(csv, "column 'uii' (the call id) is empty");
        }
        if (f.Enqueue is null)
        {
            return Bad(csv, "column 'enqueue_time' is empty");
        }
        _warnings.WriteTo(_extras);
        var connected = f.CallResult?.Equals("CONNECTED", StringComparison.OrdinalIgnoreCase) == true;
        return ParseResult.Ok(new CallRecord
        {
            Vendor = EngageVoiceVendor.VendorName,
            CallId = f.Uii,
            Direction = CallDirection.Inbound,
            FromNumber = phones.Normalize(f.Ani),
            ToNumber = phones.Normalize(f.Dnis),
            StartUtc = f.Enqueue,
            AnswerUtc = connected ? f.Dequeue : null,
            EndUtc = f.InboundDuration is { } total ? f.Enqueue.Value.AddSeconds(total) : null,
            QueueSeconds = f.QueueTime,
            TalkSeconds = f.ConnectedDuration ?? (connected ? null : 0),
            TotalSeconds = f.InboundDuration,
            Outcome = OutcomeOf(f.CallResult),
            Queue = f.ProfileName,
            RecordingUrl = f.RecordingUrl,
            Extras = _extras.ToExtras(),
        });
    }

    /// <summary>The quarantine entry of the record the reader stands on.</summary>
    public static ParseResult Bad(CsvReader csv, string reason) =>
        ParseResult.Bad(new Quarantined(Position(csv), reason, Raw(csv)));

    public static string Position(CsvReader csv) => $"line {csv.LineNumber}";

    public static string Raw(CsvReader csv) => Quarantined.Cap(Encoding.UTF8.GetString(csv.RawRecord));

    /// <summary><see cref="Session6EngageVoiceParser.Outcome"/>, worked out again only when the value changes (a repeated value is the same string).</summary>
    private CallOutcome OutcomeOf(string? callResult)
    {
        if (!ReferenceEquals(callResult, _lastResult))
        {
            _lastOutcome = Session6EngageVoiceParser.Outcome(callResult);
            _lastResult = callResult;
        }
        return _lastOutcome;
    }

    /// <summary>One trimmed field into the record's fields and extras; an error text when the record cannot be a call.</summary>
    private string? Read(Session6EngageVoiceColumn column, ReadOnlySpan<byte> value, ref Fields f)
    {
        switch (column.Field)
        {
            case Session6EngageVoiceField.Uii:
                // The leading ' is Excel's text guard, not part of the id.
                f.Uii = Utf8Text.Decode(Utf8Text.Trim(value.TrimStart((byte)'\'')));
                return null;
            case Session6EngageVoiceField.EnqueueTime:
                Extra(column, value);
                return _times.Read(column, value, _times.Enqueue, out f.Enqueue);
            case Session6EngageVoiceField.DequeueTime:
                Extra(column, value);
                return _times.Read(column, value, _times.Dequeue, out f.Dequeue, _warnings);
            case Session6EngageVoiceField.QueueTime:
                return Seconds(column, value, out f.QueueTime);
            case Session6EngageVoiceField.InboundDuration:
                return Seconds(column, value, out f.InboundDuration);
            case Session6EngageVoiceField.ConnectedDuration:
                return Seconds(column, value, out f.ConnectedDuration);
            case Session6EngageVoiceField.ProfileName:
                f.ProfileName = value.IsEmpty ? null : _profiles.Get(value);
                return null;
            case Session6EngageVoiceField.RecordingUrl:
                f.RecordingUrl = value.IsEmpty ? null : Utf8Text.Decode(value);
                return null;
            case Session6EngageVoiceField.Ani:
                // Phone numbers are normalized from their bytes: a caller's number is never made a string of its own.
                f.Ani = value;
                Extra(column, value);
                return null;
            case Session6EngageVoiceField.Dnis:
                f.Dnis = value;
                Extra(column, value);
                return null;
            case Session6EngageVoiceField.CallResult:
                f.CallResult = value.IsEmpty ? null : _results.Get(value);
                Extra(column, value);
                return null;
            case Session6EngageVoiceField.Disposition:
                Extra(column, value);
                Disposition(column, value);
                return null;
            default:
                Extra(column, value);
                return null;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Extra(Session6EngageVoiceColumn column, ReadOnlySpan<byte> value)
    {
        // Empty columns are the norm in this report (media_*, the second attempt): leaving them out keeps rows small.
        if (value.Length > 0 && column.Encoded is { } name)
        {
            WriteExtra(name, value);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteExtra(Utf8ExtrasWriter.Key name, ReadOnlySpan<byte> value)
    {
        if (_plainRecord)
        {
            _extras.WriteVerbatim(name, value);
        }
        else
        {
            _extras.WriteString(name, value);
        }
    }

    /// <summary><c>ANSWER(5)</c> → <c>{name}_code: "ANSWER"</c>, <c>{name}_value: 5</c>; anything else stays only as given.</summary>
    private void Disposition(Session6EngageVoiceColumn column, ReadOnlySpan<byte> value)
    {
        var open = value.IndexOf((byte)'(');
        if (open <= 0 || value[^1] != (byte)')')
        {
            return;
        }
        WriteExtra(column.CodeName, Utf8Text.Trim(value[..open]));
        var inner = Utf8Text.Trim(value[(open + 1)..^1]);
        if (Session6EngageVoiceParser.TryParseLong(inner, NumberStyles.AllowLeadingSign, out var n))
        {
            _extras.WriteNumber(column.ValueName, n);
        }
        else
        {
            WriteExtra(column.ValueName, inner);
        }
    }

    /// <summary>Whole seconds; an implausible duration (over 31 days) is unknown with a warning, so no date arithmetic overflows.</summary>
    private string? Seconds(Session6EngageVoiceColumn column, ReadOnlySpan<byte> value, out int? seconds)
    {
        seconds = null;
        if (value.Length == 0)
        {
            return null;
        }
        if (!Session6EngageVoiceParser.TryParseLong(value, NumberStyles.None, out var s))
        {
            return $"column '{column.Name}' is \"{Session6EngageVoiceParser.Clip(Utf8Text.Decode(value))}\", expected whole seconds";
        }
        if (CallTimes.DurationOutOfRange(column.Name, s) is { } range)
        {
            _warnings.Add(range + "; left unknown");
            return null;
        }
        seconds = (int)s;
        return null;
    }

    /// <summary>What the record's columns say, as they are read; the phone numbers stay bytes until normalized.</summary>
    private ref struct Fields
    {
        public string? Uii;
        public DateTimeOffset? Enqueue;
        public DateTimeOffset? Dequeue;
        public int? QueueTime;
        public int? InboundDuration;
        public int? ConnectedDuration;
        public string? ProfileName;
        public string? RecordingUrl;
        public ReadOnlySpan<byte> Ani;
        public ReadOnlySpan<byte> Dnis;
        public string? CallResult;
    }
}

/// <summary>
/// The report times of one file, read as <see cref="Session6EngageVoiceParser.ParseReportTime"/> reads them and converted
/// to UTC. Report times have minute resolution, so a window's rows share a few hundred texts; parsing one with
/// six culture-aware formats cost more than the rest of its row. Rows come in time order: each time column
/// remembers its last text too. One per parser.
/// </summary>
internal sealed class Session6EngageVoiceTimes(VendorClock clock)
{
    /// <summary>Distinct report times kept per file.</summary>
    private const int MaxCachedTimes = 4096;

    private readonly Dictionary<string, DateTime?> _times = new(StringComparer.Ordinal);

    public LastTime Enqueue { get; } = new();

    public LastTime Dequeue { get; } = new();

    /// <summary>A report time; out of 2000–2099 it is an error, or unknown with a warning when <paramref name="warnings"/> is given.</summary>
    public string? Read(Session6EngageVoiceColumn column, ReadOnlySpan<byte> value, LastTime last, out DateTimeOffset? utc, RecordWarnings? warnings = null)
    {
        utc = null;
        if (value.Length == 0)
        {
            return null;
        }
        if (!value.SequenceEqual(last.Text))
        {
            last.Remember(value, ToUtc(value));
        }
        var time = last.Time;
        if (time.Local is not { } local)
        {
            return $"column '{column.Name}' is \"{Session6EngageVoiceParser.Clip(Utf8Text.Decode(value))}\", expected a time like 4/20/20 6:12 AM";
        }
        if (time.Utc is not { } converted)
        {
            var range = CallTimes.OutOfRange(column.Name, local)!;
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

    private ReportTime ToUtc(ReadOnlySpan<byte> value)
    {
        if (ParseTime(value) is not { } local)
        {
            return default;
        }
        return new ReportTime(local, CallTimes.TryToUtc(clock, local, out var utc) ? utc : null);
    }

    private DateTime? ParseTime(ReadOnlySpan<byte> value)
    {
        Span<char> buffer = stackalloc char[Session6EngageVoiceParser.MaxStackChars];
        ReadOnlySpan<char> text = value.Length <= Session6EngageVoiceParser.MaxStackChars ? buffer[..Encoding.UTF8.GetChars(value, buffer)] : Utf8Text.Decode(value);
        var cached = _times.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!cached.TryGetValue(text, out var local))
        {
            local = Session6EngageVoiceParser.ParseReportTime(text);
            if (_times.Count >= MaxCachedTimes)
            {
                _times.Clear();
            }
            cached[text] = local;
        }
        return local;
    }

    public readonly record struct ReportTime(DateTime? Local, DateTimeOffset? Utc);

    /// <summary>The last text of one time column and what it meant.</summary>
    public sealed class LastTime
    {
        private readonly byte[] _text = new byte[Session6EngageVoiceParser.MaxStackChars];
        private int _length = -1;

        public ReadOnlySpan<byte> Text => _length < 0 ? default : _text.AsSpan(0, _length);

        public ReportTime Time { get; private set; }

        public void Remember(ReadOnlySpan<byte> text, ReportTime time)
        {
            Time = time;
            if (text.Length <= _text.Length)
            {
                text.CopyTo(_text);
                _length = text.Length;
            }
            else
            {
                _length = -1;
            }
        }
    }
}

/// <summary>What the mapper does with a column's value; worked out once per file from the column's name.</summary>
internal enum Session6EngageVoiceField { Other, Uii, EnqueueTime, DequeueTime, QueueTime, InboundDuration, ConnectedDuration, ProfileName, RecordingUrl, Ani, Dnis, CallResult, Disposition }

/// <summary>A column of the file's header (or of the seed's order), with its JSON names encoded once.</summary>
internal sealed class Session6EngageVoiceColumn(string name)
{
    public string Name { get; } = name;

    public Session6EngageVoiceField Field { get; } = name switch
    {
        "uii" => Session6EngageVoiceField.Uii,
        "enqueue_time" => Session6EngageVoiceField.EnqueueTime,
        "dequeue_time" => Session6EngageVoiceField.DequeueTime,
        "queue_time" => Session6EngageVoiceField.QueueTime,
        "inbound_duration" => Session6EngageVoiceField.InboundDuration,
        "connected_duration" => Session6EngageVoiceField.ConnectedDuration,
        "profile_name" => Session6EngageVoiceField.ProfileName,
        "recording_url" => Session6EngageVoiceField.RecordingUrl,
        "ani" => Session6EngageVoiceField.Ani,
        "dnis" => Session6EngageVoiceField.Dnis,
        "call_result" => Session6EngageVoiceField.CallResult,
        "attempt_1_disp" or "attempt_2_disp" => Session6EngageVoiceField.Disposition,
        _ => Session6EngageVoiceField.Other,
    };

    /// <summary>The name in extras; none for an unnamed column (its values are not kept).</summary>
    public Utf8ExtrasWriter.Key? Encoded { get; } = name.Length > 0 ? Utf8ExtrasWriter.Name(name) : null;

    public Utf8ExtrasWriter.Key CodeName { get; } = Utf8ExtrasWriter.Name(name + "_code");

    public Utf8ExtrasWriter.Key ValueName { get; } = Utf8ExtrasWriter.Name(name + "_value");

    /// <summary>The columns of a file, named by its header or, without one, by <see cref="Session6EngageVoiceParser.Columns"/>.</summary>
    public static Session6EngageVoiceColumn[] Of(IEnumerable<string> names) => [.. names.Select(n => new Session6EngageVoiceColumn(n))];
}
