using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Parsing;
using CdrFunctions.Pipeline.Phones;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Pipeline.Vendors;

namespace CdrFunctions.Vendors.Alotech;

/// <summary>
/// Reads Alotech raw files: a landed window (a JSON array of the pages as received), a single response
/// page (<c>{"CallList":[...],"cursor":...}</c>) or a bare array of CDRs. Forward-only: a
/// <see cref="Utf8JsonReader"/> takes one page at a time from the stream (memory stays flat whatever the file
/// size) and maps each record straight from its UTF-8 bytes, matching field names as UTF-8, with no DOM.
/// One instance per file: it reuses its buffers, and its clock and phone caches serve the whole window.
/// </summary>
public sealed class AlotechParser(VendorClock clock, PhoneNumberNormalizer phones) : IDisposable
{
    private readonly Utf8ExtrasWriter _extras = new();
    private readonly RecordWarnings _warnings = new();

    /// <summary>Agents and queues: a window's calls share a handful of them.</summary>
    private readonly RepeatedText _repeated = new();
    private readonly List<ParseResult> _results = new(100);
    private ItemMapper? _readPage;
    private int _pageNumber;

    public void Dispose() => _extras.Dispose();

    /// <summary>Never throws for bad data: each record is mapped in its own guard, and the file in one.</summary>
    public IAsyncEnumerable<ParseResult> ParseAsync(Stream raw, RawFileInfo file, CancellationToken cancellationToken) =>
        ParseGuard.FileAsync(ParseFileAsync(raw, cancellationToken), cancellationToken);

    private async IAsyncEnumerable<ParseResult> ParseFileAsync(Stream raw, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (first, stream) = await JsonFileShape.PeekAsync(raw, cancellationToken).ConfigureAwait(false);
        await using var replay = stream.ConfigureAwait(false);
        if (first == 0)
        {
            yield return FileError("the file is empty");
            yield break;
        }
        if (first is not ((byte)'{' or (byte)'['))
        {
            yield return FileError("the file is not JSON (it should start with '[' or '{')");
            yield break;
        }
        using var items = new JsonItemStream(stream);
        string? error = null;
        ReadOnlyMemory<byte> root = default;
        try
        {
            await items.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (first == (byte)'{')
            {
                root = await items.ReadRootAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (JsonException e)
        {
            error = NotJson(e);
        }
        if (error is not null)
        {
            yield return FileError(error);
            yield break;
        }
        if (first == (byte)'{')
        {
            ReadPage(root.Span, 1);
            foreach (var result in _results)
            {
                yield return result;
            }
            yield break;
        }

        // The first item says what the array holds: pages (a landed window) or CDRs (a user's export).
        bool? pages = null;
        for (var index = 1; ; index++)
        {
            ReadOnlyMemory<byte>? item = null;
            var more = false;
            try
            {
                if (pages == true)
                {
                    // A landed window's pages are mapped in the pass that finds their end.
                    _pageNumber = index;
                    more = await items.MapItemAsync(_readPage ??= ReadPage, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    item = await items.ReadItemAsync(cancellationToken).ConfigureAwait(false);
                    more = item is not null;
                }
            }
            catch (JsonException e)
            {
                error = NotJson(e) + $" (after item {index - 1})";
            }
            if (error is not null)
            {
                yield return FileError(error);
                yield break;
            }
            if (!more)
            {
                yield break;
            }
            if (item is { } bytes)
            {
                pages ??= HasCallList(bytes.Span);
                if (pages.Value)
                {
                    ReadPage(bytes.Span, index);
                }
                else
                {
                    // A bare array of CDRs, as a user may save one.
                    ReadRecord(bytes.Span, new Position(0, index));
                }
            }
            foreach (var result in _results)
            {
                yield return result;
            }
        }
    }

    /// <summary>The page <see cref="MapItemAsync"/> maps: <see cref="ReadPage(ref Utf8JsonReader, ReadOnlySpan{byte}, int)"/> of <see cref="_pageNumber"/>.</summary>
    private void ReadPage(ref Utf8JsonReader reader, ReadOnlySpan<byte> source) => ReadPage(ref reader, source, _pageNumber);

    /// <summary>An object with a <c>CallList</c> property (of any type); names with bad text match nothing.</summary>
    private static bool HasCallList(ReadOnlySpan<byte> item)
    {
        var reader = new Utf8JsonReader(item);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (Utf8Values.NameIs(ref reader, "CallList"u8))
            {
                return true;
            }
            reader.Read();
            reader.Skip();
        }
        return false;
    }

    /// <summary>
    /// Maps every record of one page into <see cref="_results"/> in a single pass: the records are read as the
    /// page's <c>CallList</c> is; when a later <c>CallList</c> follows, the last one wins, as in a DOM.
    /// </summary>
    private void ReadPage(ReadOnlySpan<byte> page, int pageNumber)
    {
        var reader = new Utf8JsonReader(page);
        if (reader.Read())
        {
            ReadPage(ref reader, page, pageNumber);
        }
        else
        {
            _results.Clear();
            _results.Add(NoCallList(page, pageNumber));
        }
    }

    /// <summary>As <see cref="ReadPage(ReadOnlySpan{byte}, int)"/> for a reader standing on the page's first token; it ends on the page's last.</summary>
    private void ReadPage(ref Utf8JsonReader reader, ReadOnlySpan<byte> source, int pageNumber)
    {
        _results.Clear();
        var pageStart = (int)reader.TokenStartIndex;
        var list = false;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
        }
        else
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isCallList = Utf8Values.NameIs(ref reader, "CallList"u8);
                reader.Read();
                if (!isCallList)
                {
                    reader.Skip();
                    continue;
                }
                _results.Clear();
                list = reader.TokenType == JsonTokenType.StartArray;
                if (!list)
                {
                    reader.Skip();
                    continue;
                }
                for (var i = 1; reader.Read() && reader.TokenType != JsonTokenType.EndArray; i++)
                {
                    _results.Add(MapRecord(ref reader, source, new Position(pageNumber, i)));
                }
            }
        }
        if (!list)
        {
            _results.Clear();
            _results.Add(NoCallList(source[pageStart..(int)reader.BytesConsumed], pageNumber));
        }
    }

    private static ParseResult NoCallList(ReadOnlySpan<byte> page, int pageNumber) =>
        ParseResult.Bad(new Quarantined($"page {pageNumber}", "the page has no CallList array (an error response?)", Quarantined.Cap(Encoding.UTF8.GetString(page))));

    /// <summary>Maps one record of a bare array into <see cref="_results"/>.</summary>
    private void ReadRecord(ReadOnlySpan<byte> record, Position position)
    {
        _results.Clear();
        var reader = new Utf8JsonReader(record);
        reader.Read();
        _results.Add(MapRecord(ref reader, record, position));
    }

    private static ParseResult FileError(string reason) => ParseResult.Bad(new Quarantined("file", reason, FileLevel: true));

    private static string NotJson(JsonException e) =>
        $"the file is not valid JSON at line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}: it may be truncated";

    /// <summary>
    /// Maps the record the reader stands on and leaves the reader on its last token, whatever happens. The
    /// same guard as <see cref="ParseGuard.Record"/>: an exception quarantines the record with its reason.
    /// </summary>
    private ParseResult MapRecord(ref Utf8JsonReader reader, ReadOnlySpan<byte> source, Position position)
    {
        var start = reader;
        var startIndex = (int)reader.TokenStartIndex;
        if (source.Length - startIndex > ParseGuard.MaxRecordBytes)
        {
            // Only a large page can hold a record over the limit: measure it before reading it.
            var probe = reader;
            probe.Skip();
            if (probe.BytesConsumed - startIndex > ParseGuard.MaxRecordBytes)
            {
                reader = probe;
                return ParseResult.Bad(new Quarantined(position.ToString(), ParseGuard.TooLarge(probe.BytesConsumed - startIndex), Quarantined.Cap(Encoding.UTF8.GetString(source[startIndex..(int)probe.BytesConsumed]))));
            }
        }
        try
        {
            return MapRecordUnguarded(ref reader, source, startIndex, position);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The page was read whole once already, so skipping the record from its start cannot fail.
            reader = start;
            reader.Skip();
            return ParseGuard.Failed(e, position.ToString(), Encoding.UTF8.GetString(source[startIndex..(int)reader.BytesConsumed]));
        }
    }

    private ParseResult MapRecordUnguarded(ref Utf8JsonReader reader, ReadOnlySpan<byte> source, int startIndex, Position position)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            var kind = Utf8Values.KindName(reader.TokenType);
            reader.Skip();
            return Bad(position, $"a record must be a JSON object, not {kind}", source[startIndex..(int)reader.BytesConsumed]);
        }
        var f = new Fields();
        _warnings.Clear();
        _extras.Start();
        Span<byte> unescaped = stackalloc byte[64];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            // Nearly every name is matched as sent; a mapped one is then printable ASCII, so clean and written as it is.
            var field = reader.ValueIsEscaped ? Field.Other : Identify(reader.ValueSpan);
            var verbatim = field != Field.Other || Utf8ExtrasWriter.IsVerbatim(in reader);
            if (!verbatim && !SafeJson.IsClean(reader.ValueSpan))
            {
                // A name with bad bytes matches no field: kept repaired in extras.
                _warnings.Repaired(SafeJson.Unescape(reader.ValueSpan));
                var extras = _extras.StartProperty();
                Utf8Values.WriteName(ref reader, extras);
                reader.Read();
                Utf8Values.CopyValue(ref reader, extras);
                _extras.EndProperty();
                continue;
            }
            if (reader.ValueIsEscaped)
            {
                field = Identify(Utf8Values.CleanName(in reader, unescaped));
            }
            var error = Read(ref reader, field, verbatim, ref f);
            if (error is not null)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    reader.Read();
                    reader.Skip();
                }
                return Bad(position, error, source[startIndex..(int)reader.BytesConsumed]);
            }
        }
        var rec = source[startIndex..(int)reader.BytesConsumed];
        _warnings.WriteTo(_extras);

        if (f.Key is null)
        {
            return Bad(position, f.KeySeen ? "field 'key' (the call id) is empty" : "field 'key' (the call id) is missing", rec);
        }
        if (f.CallDate is null)
        {
            return Bad(position, f.CallDateSeen ? "field 'calldate' is empty" : "field 'calldate' is missing", rec);
        }
        return ParseResult.Ok(new CallRecord
        {
            Vendor = AlotechVendor.VendorName,
            CallId = f.Key,
            Direction = f.Inbound switch { true => CallDirection.Inbound, false => CallDirection.Outbound, null => CallDirection.Unknown },
            FromNumber = phones.Normalize(f.CallerId),
            ToNumber = phones.Normalize(f.CalledNum),
            StartUtc = f.CallDate,
            AnswerUtc = f.Answered == false ? null : f.TalkDate,
            EndUtc = f.HangupDate,
            QueueSeconds = f.WaitDuration,
            TalkSeconds = f.Answered == false ? 0 : CallTimes.Between(f.TalkDate, f.HangupDate),
            HoldSeconds = f.HoldDuration,
            TotalSeconds = f.Duration ?? CallTimes.Between(f.CallDate, f.HangupDate),
            Outcome = Outcome(f),
            AgentId = f.AgentId,
            AgentName = f.Agent,
            Queue = f.Queue,
            RecordingUrl = f.RecordingUrl,
            TransferCount = f.Transferred,
            Extras = _extras.ToExtras(),
        });
    }

    /// <summary>
    /// answered → answered; else voicemail → voicemail; else abandon → abandoned; else an unanswered
    /// inbound call is missed and an unanswered outbound call failed; unknown when answered is absent.
    /// </summary>
    private static CallOutcome Outcome(in Fields f) =>
        f.Answered == true ? CallOutcome.Answered
        : f.Voicemail == true ? CallOutcome.Voicemail
        : f.Abandon == true ? CallOutcome.Abandoned
        : f.Answered == false ? (f.Inbound == false ? CallOutcome.Failed : CallOutcome.Missed)
        : CallOutcome.Unknown;

    private enum Field : byte
    {
        Other, Key, CallDate, TalkDate, HangupDate, Inbound, Answered, Abandon, Voicemail, WaitDuration, Duration,
        HoldDuration, Transferred, Agent, AgentId, Queue, RecordingUrl, CallerId, CalledNum,
    }

    /// <summary>The mapped fields by their UTF-8 names: length first, so most names cost one comparison.</summary>
    private static Field Identify(ReadOnlySpan<byte> n) => n.Length switch
    {
        3 when n.SequenceEqual("key"u8) => Field.Key,
        5 when n.SequenceEqual("agent"u8) => Field.Agent,
        5 when n.SequenceEqual("queue"u8) => Field.Queue,
        7 when n.SequenceEqual("inbound"u8) => Field.Inbound,
        7 when n.SequenceEqual("abandon"u8) => Field.Abandon,
        7 when n.SequenceEqual("agentid"u8) => Field.AgentId,
        8 when n.SequenceEqual("calldate"u8) => Field.CallDate,
        8 when n.SequenceEqual("talkdate"u8) => Field.TalkDate,
        8 when n.SequenceEqual("answered"u8) => Field.Answered,
        8 when n.SequenceEqual("duration"u8) => Field.Duration,
        8 when n.SequenceEqual("callerid"u8) => Field.CallerId,
        9 when n.SequenceEqual("voicemail"u8) => Field.Voicemail,
        10 when n.SequenceEqual("hangupdate"u8) => Field.HangupDate,
        10 when n.SequenceEqual("called_num"u8) => Field.CalledNum,
        11 when n.SequenceEqual("transferred"u8) => Field.Transferred,
        12 when n.SequenceEqual("waitduration"u8) => Field.WaitDuration,
        12 when n.SequenceEqual("holdduration"u8) => Field.HoldDuration,
        12 when n.SequenceEqual("recordingurl"u8) => Field.RecordingUrl,
        _ => Field.Other,
    };

    private static readonly string[] Names =
    [
        "", "key", "calldate", "talkdate", "hangupdate", "inbound", "answered", "abandon", "voicemail", "waitduration", "duration",
        "holdduration", "transferred", "agent", "agentid", "queue", "recordingurl", "callerid", "called_num",
    ];

    /// <summary>
    /// Reads the value of the property the reader stands on (a clean name, <paramref name="verbatim"/> when it is
    /// printable ASCII as sent); the reader ends on the value's last token.
    /// </summary>
    private string? Read(ref Utf8JsonReader r, Field field, bool verbatim, ref Fields f)
    {
        if (field is Field.Other or Field.CallerId or Field.CalledNum)
        {
            // Unmapped fields, and the original numbers (the columns hold the normalized form), stay in extras;
            // bad text in them is repaired with a warning rather than dropping the call.
            var name = r.ValueSpan;
            bool repaired;
            if (verbatim)
            {
                // Nearly every field: its name and value copied as they are, without the framework writer's checks.
                r.Read();
                repaired = !_extras.TryWriteVerbatim(name, in r) && CopyValue(ref r, field, name);
            }
            else if (field == Field.Other && r.ValueIsEscaped)
            {
                // Rare: the warning would need the name unescaped by the reader standing on it.
                var copy = r;
                var extras = _extras.StartProperty();
                Utf8Values.WriteName(ref copy, extras);
                copy.Read();
                if (Utf8Values.CopyValue(ref copy, extras))
                {
                    _warnings.Repaired(Utf8Values.Decode(ref r, out _));
                }
                _extras.EndProperty();
                r = copy;
                return null;
            }
            else
            {
                // The reader itself moves on: copying its state per field (with the GC's write barriers) was two fifths
                // of mapping a record.
                var extras = _extras.StartProperty();
                Utf8Values.WriteName(ref r, extras);
                r.Read();
                repaired = CopyValue(ref r, field, extras);
                _extras.EndProperty();
            }
            if (repaired)
            {
                _warnings.Repaired(field == Field.Other ? Encoding.UTF8.GetString(name) : Names[(int)field]);
            }
            if (field == Field.Other)
            {
                return null;
            }
        }
        else
        {
            r.Read();
        }
        var error = field switch
        {
            Field.Key => Utf8Values.Text(ref r, "key", out f.Key),
            Field.CallDate => Utf8Values.LocalTime(ref r, "calldate", clock, out f.CallDate),
            Field.TalkDate => Utf8Values.LocalTime(ref r, "talkdate", clock, out f.TalkDate, _warnings),
            Field.HangupDate => Utf8Values.LocalTime(ref r, "hangupdate", clock, out f.HangupDate, _warnings),
            Field.Inbound => Utf8Values.Bool(ref r, "inbound", out f.Inbound),
            Field.Answered => Utf8Values.Bool(ref r, "answered", out f.Answered),
            Field.Abandon => Utf8Values.Bool(ref r, "abandon", out f.Abandon),
            Field.Voicemail => Utf8Values.Bool(ref r, "voicemail", out f.Voicemail),
            Field.WaitDuration => Utf8Values.Duration(ref r, "waitduration", out f.WaitDuration, _warnings),
            Field.Duration => Utf8Values.Duration(ref r, "duration", out f.Duration, _warnings),
            Field.HoldDuration => Utf8Values.Duration(ref r, "holdduration", out f.HoldDuration, _warnings),
            Field.Transferred => Utf8Values.Count(ref r, "transferred", out f.Transferred),
            Field.Agent => Utf8Values.Text(ref r, "agent", out f.Agent, _warnings, _repeated),
            Field.AgentId => Utf8Values.Text(ref r, "agentid", out f.AgentId, _warnings, _repeated),
            Field.Queue => Utf8Values.Text(ref r, "queue", out f.Queue, _warnings, _repeated),
            Field.RecordingUrl => Utf8Values.Text(ref r, "recordingurl", out f.RecordingUrl, _warnings),
            Field.CallerId => Utf8Values.Text(ref r, "callerid", out f.CallerId, _warnings),
            _ => Utf8Values.Text(ref r, "called_num", out f.CalledNum, _warnings),
        };
        f.KeySeen |= field == Field.Key;
        f.CallDateSeen |= field == Field.CallDate;
        // A value of the wrong shape (an object where text belongs) is skipped whole: the record is rejected anyway.
        r.Skip();
        return error;
    }

    /// <summary>Writes the value the reader stands on, after the verbatim <paramref name="name"/>, through the framework writer; true when repaired.</summary>
    private bool CopyValue(ref Utf8JsonReader r, Field field, ReadOnlySpan<byte> name)
    {
        var extras = _extras.StartProperty();
        extras.WritePropertyName(name);
        var repaired = CopyValue(ref r, field, extras);
        _extras.EndProperty();
        return repaired;
    }

    private static bool CopyValue(ref Utf8JsonReader r, Field field, Utf8JsonWriter extras)
    {
        if (field != Field.Other && r.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            // A number's object or array is read below from its first token: copied from a copy of the reader.
            var copy = r;
            return Utf8Values.CopyValue(ref copy, extras);
        }
        return Utf8Values.CopyValue(ref r, extras);
    }

    private static ParseResult Bad(Position position, string reason, ReadOnlySpan<byte> rec) =>
        ParseResult.Bad(new Quarantined(position.ToString(), reason, Quarantined.Cap(Encoding.UTF8.GetString(rec))));

    /// <summary>Where a record is, made into text only for a quarantine entry rather than formatted for every record.</summary>
    private readonly record struct Position(int Page, int Record)
    {
        public override string ToString() => Page > 0
            ? string.Create(CultureInfo.InvariantCulture, $"page {Page}, record {Record}")
            : string.Create(CultureInfo.InvariantCulture, $"record {Record}");
    }

    private struct Fields
    {
        public string? Key;
        public bool KeySeen;
        public DateTimeOffset? CallDate;
        public bool CallDateSeen;
        public DateTimeOffset? TalkDate;
        public DateTimeOffset? HangupDate;
        public bool? Inbound;
        public bool? Answered;
        public bool? Abandon;
        public bool? Voicemail;
        public int? WaitDuration;
        public int? Duration;
        public int? HoldDuration;
        public int? Transferred;
        public string? Agent;
        public string? AgentId;
        public string? Queue;
        public string? RecordingUrl;
        public string? CallerId;
        public string? CalledNum;
    }
}
