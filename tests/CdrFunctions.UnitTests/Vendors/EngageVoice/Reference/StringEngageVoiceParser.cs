using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Parsing;
using CdrFunctions.Pipeline.Phones;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Pipeline.Vendors;
using CdrFunctions.Vendors.EngageVoice;
using CsvHelper;

namespace CdrFunctions.Tests.Vendors.EngageVoice.Reference;

/// <summary>
/// The Engage Voice parser as it was before its span-based reader (main at e60789a), kept only so that
/// <see cref="EngageVoiceReaderDifferentialTests"/> can compare the two over the fuzz corpus. Its own words follow.
/// Reads an Engage Voice Call Detail Report CSV, with or without its header row (<c>media_market</c> or the
/// seed's <c>smedia_market</c>), CRLF or LF, with or without a UTF-8 BOM. Without a header the seed's 34
/// columns are assumed in order. Empty columns beyond the known ones are ignored; a record with fewer
/// columns, or more non-empty ones, is quarantined with its line number. One instance per file.
/// </summary>
internal sealed class StringEngageVoiceParser(VendorClock clock, PhoneNumberNormalizer phones) : IDisposable
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

    /// <summary>Distinct report times kept per file; a report's times repeat minute by minute.</summary>
    private const int MaxCachedTimes = 4096;

    private readonly ArrayBufferWriter<byte> _extrasBuffer = new(1024);
    private readonly RecordWarnings _warnings = new();

    // Report times have minute resolution, so a window's rows share a few hundred texts; parsing one with
    // six culture-aware formats cost more than the rest of its row.
    private readonly Dictionary<string, DateTime?> _times = new(StringComparer.Ordinal);
    private Utf8JsonWriter? _extras;

    public void Dispose() => _extras?.Dispose();

    /// <summary>Never throws for bad data: each record is mapped in its own guard, and the file in one.</summary>
    public IAsyncEnumerable<ParseResult> ParseAsync(Stream raw, RawFileInfo file, CancellationToken cancellationToken) =>
        ParseGuard.FileAsync(ParseFileAsync(raw, cancellationToken), cancellationToken);

    private async IAsyncEnumerable<ParseResult> ParseFileAsync(Stream raw, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var csv = CsvReader.Create(raw, ReaderOptions, leaveOpen: true);
        string[]? names = null;
        var first = true;
        while (await csv.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var fields = new string[csv.FieldCount];
            bool[]? badText = null;
            for (var i = 0; i < fields.Length; i++)
            {
                fields[i] = csv.GetString(i) ?? "";
                if (!Utf8.IsValid(csv.GetRawSpan(i)))
                {
                    // The reader put U+FFFD in place of the bad bytes; the record says so (or is quarantined, for its id).
                    (badText ??= new bool[fields.Length])[i] = true;
                }
            }
            var position = $"line {csv.LineNumber}";
            if (first)
            {
                first = false;
                fields[0] = fields[0].TrimStart('\uFEFF');
                var start = fields[0].TrimStart();
                if (start.StartsWith('<') || start.StartsWith('{') || start.StartsWith('['))
                {
                    yield return ParseResult.Bad(new Quarantined("file", "the file is not a CSV report (it starts like HTML or JSON: an error page?)", FileLevel: true));
                    yield break;
                }
                if (Array.Exists(fields, f => f.Trim().Equals("uii", StringComparison.OrdinalIgnoreCase)))
                {
                    names = fields.Select(HeaderName).ToArray();
                    continue;
                }
            }
            // The record's text is only made for a quarantine entry: the reader still stands on the record then.
            yield return ParseGuard.Record(
                (Parser: this, Fields: fields, Names: names, Position: position, Csv: csv, BadText: badText),
                s => s.Parser.MapRecord(s.Fields, s.Names, s.Position, s.Csv, s.BadText), position, s => Raw(s.Csv));
        }
    }

    private static string Raw(CsvReader csv) => Quarantined.Cap(Encoding.UTF8.GetString(csv.RawRecord));

    /// <summary>Header names trimmed and lower-case; the seed's <c>smedia_market</c> is the docs' <c>media_market</c>.</summary>
    private static string HeaderName(string name)
    {
        var n = name.Trim().ToLowerInvariant();
        return n == "smedia_market" ? "media_market" : n;
    }

    private ParseResult MapRecord(string[] fields, string[]? header, string position, CsvReader csv, bool[]? badText)
    {
        var names = header ?? (IReadOnlyList<string>)Columns;
        if (fields.Length < names.Count)
        {
            return Bad(position, $"the record has {fields.Length} columns, expected {names.Count} (a cut-off line?)", Raw(csv));
        }
        for (var i = names.Count; i < fields.Length; i++)
        {
            if (fields[i].Trim().Length > 0)
            {
                return Bad(position, $"the record has {fields.Length} columns, expected {names.Count}, and column {i + 1} is not empty", Raw(csv));
            }
        }

        var f = new Fields();
        _warnings.Clear();
        _extrasBuffer.ResetWrittenCount();
        var extras = _extras ??= new Utf8JsonWriter(_extrasBuffer, CallExtras.WriterOptions);
        extras.Reset(_extrasBuffer);
        extras.WriteStartObject();
        for (var i = 0; i < names.Count; i++)
        {
            if (badText?[i] == true)
            {
                if (names[i] == "uii")
                {
                    return Bad(position, "column 'uii' (the call id) holds invalid UTF-8", Raw(csv));
                }
                _warnings.Repaired(names[i]);
            }
            var error = Read(names[i], fields[i].Trim(), ref f, extras);
            if (error is not null)
            {
                return Bad(position, error, Raw(csv));
            }
        }
        _warnings.WriteTo(extras);
        extras.WriteEndObject();
        extras.Flush();

        if (string.IsNullOrEmpty(f.Uii))
        {
            return Bad(position, "column 'uii' (the call id) is empty", Raw(csv));
        }
        if (f.Enqueue is null)
        {
            return Bad(position, "column 'enqueue_time' is empty", Raw(csv));
        }
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
            Outcome = Outcome(f.CallResult),
            Queue = f.ProfileName,
            RecordingUrl = f.RecordingUrl,
            Extras = CallExtras.FromWrittenUtf8(_extrasBuffer.WrittenSpan),
        });
    }

    /// <summary>
    /// <c>call_result</c>: only <c>CONNECTED</c> appears in the docs; the other words are inferred from the
    /// Engage admin UI's vocabulary. The raw value always stays in extras.
    /// </summary>
    private static CallOutcome Outcome(string? callResult)
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

    private string? Read(string name, string value, ref Fields f, Utf8JsonWriter extras)
    {
        switch (name)
        {
            case "uii":
                // The leading ' is Excel's text guard, not part of the id.
                f.Uii = value.TrimStart('\'').Trim();
                return null;
            case "enqueue_time":
                Extra(extras, name, value);
                return Time(name, value, out f.Enqueue);
            case "dequeue_time":
                Extra(extras, name, value);
                return Time(name, value, out f.Dequeue, _warnings);
            case "queue_time":
                return Seconds(name, value, out f.QueueTime);
            case "inbound_duration":
                return Seconds(name, value, out f.InboundDuration);
            case "connected_duration":
                return Seconds(name, value, out f.ConnectedDuration);
            case "profile_name":
                f.ProfileName = NullIfEmpty(value);
                return null;
            case "recording_url":
                f.RecordingUrl = NullIfEmpty(value);
                return null;
            case "ani":
                f.Ani = NullIfEmpty(value);
                Extra(extras, name, value);
                return null;
            case "dnis":
                f.Dnis = NullIfEmpty(value);
                Extra(extras, name, value);
                return null;
            case "call_result":
                f.CallResult = NullIfEmpty(value);
                Extra(extras, name, value);
                return null;
            case "attempt_1_disp" or "attempt_2_disp":
                Extra(extras, name, value);
                Disposition(extras, name, value);
                return null;
            default:
                Extra(extras, name, value);
                return null;
        }
    }

    private static void Extra(Utf8JsonWriter extras, string name, string value)
    {
        // Empty columns are the norm in this report (media_*, the second attempt): leaving them out keeps rows small.
        if (value.Length > 0 && name.Length > 0)
        {
            extras.WriteString(name, value);
        }
    }

    /// <summary><c>ANSWER(5)</c> → <c>{name}_code: "ANSWER"</c>, <c>{name}_value: 5</c>; anything else stays only as given.</summary>
    private static void Disposition(Utf8JsonWriter extras, string name, string value)
    {
        var open = value.IndexOf('(');
        if (open <= 0 || !value.EndsWith(')'))
        {
            return;
        }
        extras.WriteString(name + "_code", value[..open].Trim());
        var inner = value.AsSpan(open + 1, value.Length - open - 2).Trim();
        if (long.TryParse(inner, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
        {
            extras.WriteNumber(name + "_value", n);
        }
        else
        {
            extras.WriteString(name + "_value", inner);
        }
    }

    /// <summary>A report time; out of 2000–2099 it is an error, or unknown with a warning when <paramref name="warnings"/> is given.</summary>
    private string? Time(string name, string value, out DateTimeOffset? utc, RecordWarnings? warnings = null)
    {
        utc = null;
        if (value.Length == 0)
        {
            return null;
        }
        if (ParseTime(value) is not { } local)
        {
            return $"column '{name}' is \"{Clip(value)}\", expected a time like 4/20/20 6:12 AM";
        }
        if (!CallTimes.TryToUtc(clock, local, out var converted))
        {
            var range = CallTimes.OutOfRange(name, local)!;
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

    private DateTime? ParseTime(string value)
    {
        if (!_times.TryGetValue(value, out var local))
        {
            local = DateTime.TryParseExact(value, TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AllowInnerWhite, out var parsed) ? parsed : null;
            if (_times.Count >= MaxCachedTimes)
            {
                _times.Clear();
            }
            _times[value] = local;
        }
        return local;
    }

    /// <summary>Whole seconds; an implausible duration (over 31 days) is unknown with a warning, so no date arithmetic overflows.</summary>
    private string? Seconds(string name, string value, out int? seconds)
    {
        seconds = null;
        if (value.Length == 0)
        {
            return null;
        }
        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var s))
        {
            return $"column '{name}' is \"{Clip(value)}\", expected whole seconds";
        }
        if (CallTimes.DurationOutOfRange(name, s) is { } range)
        {
            _warnings.Add(range + "; left unknown");
            return null;
        }
        seconds = (int)s;
        return null;
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static string Clip(string s) => s.Length <= 40 ? s : string.Concat(s.AsSpan(0, 40), "…");

    private static ParseResult Bad(string position, string reason, string raw) =>
        ParseResult.Bad(new Quarantined(position, reason, raw));

    private struct Fields
    {
        public string? Uii;
        public DateTimeOffset? Enqueue;
        public DateTimeOffset? Dequeue;
        public int? QueueTime;
        public int? InboundDuration;
        public int? ConnectedDuration;
        public string? ProfileName;
        public string? RecordingUrl;
        public string? Ani;
        public string? Dnis;
        public string? CallResult;
    }
}
