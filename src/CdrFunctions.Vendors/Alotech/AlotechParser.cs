using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Parsing;
using CdrFunctions.Pipeline.Phones;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Pipeline.Vendors;

namespace CdrFunctions.Vendors.Alotech;

/// <summary>
/// Reads Alotech raw files: a landed window (a JSON array of the pages as received), a single response
/// page (<c>{"CallList":[...],"cursor":...}</c>) or a bare array of CDRs. Pages are read one at a time,
/// so memory stays flat whatever the file size. One instance per file: it reuses its extras buffer.
/// </summary>
public sealed class AlotechParser(VendorClock clock, PhoneNumberNormalizer phones) : IDisposable
{
    private readonly ArrayBufferWriter<byte> _extrasBuffer = new(1024);
    private readonly RecordWarnings _warnings = new();
    private Utf8JsonWriter? _extras;

    public void Dispose() => _extras?.Dispose();

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
        if (first == (byte)'{')
        {
            JsonDocument? page = null;
            string? error = null;
            try
            {
                page = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
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
            using (page)
            {
                foreach (var result in ReadPage(page!.RootElement, 1))
                {
                    yield return result;
                }
            }
            yield break;
        }
        if (first != (byte)'[')
        {
            yield return FileError("the file is not JSON (it should start with '[' or '{')");
            yield break;
        }

        var items = JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(stream, cancellationToken: cancellationToken).GetAsyncEnumerator(cancellationToken);
        // The first item says what the array holds: pages (a landed window) or CDRs (a user's export).
        bool? pages = null;
        await using var itemsScope = items.ConfigureAwait(false);
        for (var index = 1; ; index++)
        {
            string? error = null;
            var more = false;
            try
            {
                more = await items.MoveNextAsync().ConfigureAwait(false);
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
            var item = items.Current;
            pages ??= item.ValueKind == JsonValueKind.Object && SafeJson.TryGet(item, "CallList", out _);
            if (pages.Value)
            {
                foreach (var result in ReadPage(item, index))
                {
                    yield return result;
                }
            }
            else
            {
                // A bare array of CDRs, as a user may save one.
                yield return MapRecord(item, $"record {index}");
            }
        }
    }

    private IEnumerable<ParseResult> ReadPage(JsonElement page, int pageNumber)
    {
        if (page.ValueKind != JsonValueKind.Object || !SafeJson.TryGet(page, "CallList", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            yield return ParseResult.Bad(new Quarantined($"page {pageNumber}", "the page has no CallList array (an error response?)", Quarantined.Cap(SafeJson.RawText(page))));
            yield break;
        }
        var i = 0;
        foreach (var record in list.EnumerateArray())
        {
            yield return MapRecord(record, $"page {pageNumber}, record {++i}");
        }
    }

    private static ParseResult FileError(string reason) => ParseResult.Bad(new Quarantined("file", reason, FileLevel: true));

    private static string NotJson(JsonException e) =>
        $"the file is not valid JSON at line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}: it may be truncated";

    private ParseResult MapRecord(JsonElement rec, string position) =>
        ParseGuard.Record((Parser: this, Rec: rec, Position: position), s => s.Parser.MapRecordUnguarded(s.Rec, s.Position), position, s => SafeJson.RawText(s.Rec));

    private ParseResult MapRecordUnguarded(JsonElement rec, string position)
    {
        if (JsonMarshal.GetRawUtf8Value(rec).Length is var size && size > ParseGuard.MaxRecordBytes)
        {
            return ParseResult.Bad(new Quarantined(position, ParseGuard.TooLarge(size), Quarantined.Cap(SafeJson.RawText(rec))));
        }
        if (rec.ValueKind != JsonValueKind.Object)
        {
            return Bad(position, $"a record must be a JSON object, not {rec.ValueKind.ToString().ToLowerInvariant()}", rec);
        }
        var f = new Fields();
        _warnings.Clear();
        _extrasBuffer.ResetWrittenCount();
        var extras = _extras ??= new Utf8JsonWriter(_extrasBuffer, CallExtras.WriterOptions);
        extras.Reset(_extrasBuffer);
        extras.WriteStartObject();
        foreach (var p in rec.EnumerateObject())
        {
            var error = Read(p, ref f, extras);
            if (error is not null)
            {
                return Bad(position, error, rec);
            }
        }
        _warnings.WriteTo(extras);
        extras.WriteEndObject();
        extras.Flush();

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
            Extras = CallExtras.FromWrittenUtf8(_extrasBuffer.WrittenSpan),
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

    private string? Read(JsonProperty p, ref Fields f, Utf8JsonWriter extras)
    {
        var v = p.Value;
        var name = SafeJson.Name(p, out var badName);
        if (badName)
        {
            _warnings.Repaired(name);
            SafeJson.WriteProperty(p, extras);
            return null;
        }
        switch (name)
        {
            case "key":
                f.KeySeen = true;
                return JsonValues.Text(v, "key", out f.Key);
            case "calldate":
                f.CallDateSeen = true;
                return Time(v, "calldate", out f.CallDate);
            case "talkdate":
                return JsonValues.LocalTime(v, "talkdate", clock, out f.TalkDate, _warnings);
            case "hangupdate":
                return JsonValues.LocalTime(v, "hangupdate", clock, out f.HangupDate, _warnings);
            case "inbound":
                return JsonValues.Bool(v, "inbound", out f.Inbound);
            case "answered":
                return JsonValues.Bool(v, "answered", out f.Answered);
            case "abandon":
                return JsonValues.Bool(v, "abandon", out f.Abandon);
            case "voicemail":
                return JsonValues.Bool(v, "voicemail", out f.Voicemail);
            case "waitduration":
                return JsonValues.Duration(v, "waitduration", out f.WaitDuration, _warnings);
            case "duration":
                return JsonValues.Duration(v, "duration", out f.Duration, _warnings);
            case "holdduration":
                return JsonValues.Duration(v, "holdduration", out f.HoldDuration, _warnings);
            case "transferred":
                return JsonValues.Count(v, "transferred", out f.Transferred);
            case "agent":
                return JsonValues.Text(v, "agent", out f.Agent, _warnings);
            case "agentid":
                return JsonValues.Text(v, "agentid", out f.AgentId, _warnings);
            case "queue":
                return JsonValues.Text(v, "queue", out f.Queue, _warnings);
            case "recordingurl":
                return JsonValues.Text(v, "recordingurl", out f.RecordingUrl, _warnings);
            case "callerid":
                // The original number stays in extras: the column holds the normalized form.
                Extra(p, name, extras);
                return JsonValues.Text(v, "callerid", out f.CallerId, _warnings);
            case "called_num":
                Extra(p, name, extras);
                return JsonValues.Text(v, "called_num", out f.CalledNum, _warnings);
            default:
                Extra(p, name, extras);
                return null;
        }
    }

    /// <summary>Keeps a field in extras; bad text in it is repaired with a warning rather than dropping the call.</summary>
    private void Extra(JsonProperty p, string name, Utf8JsonWriter extras)
    {
        if (SafeJson.WriteProperty(p, extras))
        {
            _warnings.Repaired(name);
        }
    }

    private string? Time(JsonElement v, string field, out DateTimeOffset? utc) => JsonValues.LocalTime(v, field, clock, out utc);

    private static ParseResult Bad(string position, string reason, JsonElement rec) =>
        ParseResult.Bad(new Quarantined(position, reason, Quarantined.Cap(SafeJson.RawText(rec))));

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
