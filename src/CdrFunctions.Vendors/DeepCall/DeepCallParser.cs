using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Parsing;
using CdrFunctions.Pipeline.Phones;
using CdrFunctions.Pipeline.Time;

namespace CdrFunctions.Vendors.DeepCall;

/// <summary>
/// Reads DeepCall raw files: a landed window (<c>{"list":[pages],"detail":[responses]}</c>, a call's detail
/// wins over its list entry), a single detail response or list page (<c>{"data":...}</c>), or one push report
/// (<c>{"callId":...}</c>). A DeepCall window is small (calls of one window, a few KiB each), so the file is
/// read as one document.
/// </summary>
public sealed class DeepCallParser(DeepCallOptions options)
{
    private readonly VendorClock _clock = VendorClock.ForZone(options.TimeZone);
    private readonly PhoneNumberNormalizer _phones = new(options.DefaultRegion);
    private readonly RecordWarnings _warnings = new();

    /// <summary>Never throws for bad data: each record is mapped in its own guard, and the file in one.</summary>
    public IAsyncEnumerable<ParseResult> ParseAsync(Stream raw, CancellationToken cancellationToken) =>
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
        JsonDocument? doc = null;
        string? error = null;
        try
        {
            doc = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            error = $"the file is not valid JSON at line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}: it may be truncated";
        }
        if (error is not null)
        {
            yield return FileError(error);
            yield break;
        }
        using (doc)
        {
            foreach (var result in Read(doc!.RootElement))
            {
                yield return result;
            }
        }
    }

    internal IEnumerable<ParseResult> Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return [FileError("the file is not a JSON object (a DeepCall window, detail response or push report)")];
        }
        if (SafeJson.TryGet(root, "list", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            return Window(list, SafeJson.TryGet(root, "detail", out var d) && d.ValueKind == JsonValueKind.Array ? d : null);
        }
        if (SafeJson.TryGet(root, "status", out var status) && status.ValueKind == JsonValueKind.String && JsonValues.StringOf(status) == "error")
        {
            var code = SafeJson.TryGet(root, "code", out var c) ? SafeJson.RawText(c) : "?";
            return [ParseResult.Bad(new Quarantined("file", $"the file is a DeepCall error response (code {code})", Quarantined.Cap(SafeJson.RawText(root)), FileLevel: true))];
        }
        if (SafeJson.TryGet(root, "callId", out _))
        {
            return [MapPush(root, "push report")];
        }
        if (SafeJson.TryGet(root, "data", out var data))
        {
            return data.ValueKind switch
            {
                JsonValueKind.Object => [MapCall(data, "detail")],
                JsonValueKind.Array => data.EnumerateArray().Select((item, i) => MapCall(item, $"page 1, record {i + 1}")).ToList(),
                _ => [FileError($"'data' is {data.ValueKind.ToString().ToLowerInvariant()}, expected a call or a list of calls")],
            };
        }
        return [FileError("the file is not a DeepCall window, detail response or push report (no 'list', 'data' or 'callId')")];
    }

    private IEnumerable<ParseResult> Window(JsonElement pages, JsonElement? detailResponses)
    {
        var details = new Dictionary<string, (JsonElement Data, int Index)>(StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var response in detailResponses?.EnumerateArray() ?? default)
        {
            index++;
            if (response.ValueKind != JsonValueKind.Object || !SafeJson.TryGet(response, "data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                yield return ParseResult.Bad(new Quarantined($"detail {index}", "the detail response has no 'data' object", Quarantined.Cap(SafeJson.RawText(response))));
                continue;
            }
            if (Id(data, "clId") is { } id)
            {
                if (details.TryGetValue(id, out var kept))
                {
                    // Never dropped silently: the first detail of a call is used, later ones are kept for review.
                    yield return ParseResult.Bad(new Quarantined($"detail {index}", $"a second detail for clId {JsonValues.Clip(id)}; detail {kept.Index} is used", Quarantined.Cap(SafeJson.RawText(data))));
                    continue;
                }
                details.Add(id, (data, index));
            }
            else
            {
                yield return MapCall(data, $"detail {index}");
            }
        }

        var pageNumber = 0;
        foreach (var page in pages.EnumerateArray())
        {
            pageNumber++;
            if (DeepCallClient.At(page, options.List.ItemsPath) is not { ValueKind: JsonValueKind.Array } items)
            {
                yield return ParseResult.Bad(new Quarantined($"list page {pageNumber}", $"the page has no array at '{options.List.ItemsPath}'", Quarantined.Cap(SafeJson.RawText(page))));
                continue;
            }
            var record = 0;
            foreach (var item in items.EnumerateArray())
            {
                record++;
                var position = $"list page {pageNumber}, record {record}";
                if (item.ValueKind == JsonValueKind.Object && Id(item, options.List.IdField) is { } id && details.TryGetValue(id, out var detail))
                {
                    used.Add(id);
                    yield return MapCall(detail.Data, $"detail {detail.Index} ({position})");
                }
                else
                {
                    yield return MapCall(item, position);
                }
            }
        }
        foreach (var (id, detail) in details.Where(d => !used.Contains(d.Key)).OrderBy(d => d.Value.Index))
        {
            yield return MapCall(detail.Data, $"detail {detail.Index}");
        }
    }

    private static string? Id(JsonElement obj, string field) =>
        SafeJson.TryGet(obj, field, out var v) && JsonValues.Text(v, field, out var text) is null ? text : null;

    /// <summary>A call of the list or detail endpoint (field names of the documented detail example).</summary>
    private ParseResult MapCall(JsonElement rec, string position) =>
        ParseGuard.Record((Parser: this, Rec: rec, Position: position), s => s.Parser.MapCallUnguarded(s.Rec, s.Position), position, s => SafeJson.RawText(s.Rec));

    private ParseResult MapCallUnguarded(JsonElement rec, string position)
    {
        if (TooLarge(rec, position) is { } tooLarge)
        {
            return tooLarge;
        }
        if (rec.ValueKind != JsonValueKind.Object)
        {
            return Bad(position, $"a call must be a JSON object, not {rec.ValueKind.ToString().ToLowerInvariant()}", rec);
        }
        var f = new CallFields();
        _warnings.Clear();
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var extras = new Utf8JsonWriter(buffer, CallExtras.WriterOptions))
        {
            extras.WriteStartObject();
            foreach (var p in rec.EnumerateObject())
            {
                if (ReadCall(p, ref f, extras) is { } error)
                {
                    return Bad(position, error, rec);
                }
            }
            _warnings.WriteTo(extras);
            extras.WriteEndObject();
        }
        if (f.Id is null)
        {
            return Bad(position, f.IdSeen ? "field 'clId' (the call id) is empty" : "field 'clId' (the call id) is missing", rec);
        }
        var start = f.Tm;
        if (start is null)
        {
            if (f.ClDt is null || f.ClTm is null)
            {
                return Bad(position, "field 'tm' is missing (and no clDt/clTm to fall back on)", rec);
            }
            if (!TryLocalDateTime(f.ClDt, f.ClTm, out var local))
            {
                return Bad(position, $"fields 'clDt'/'clTm' are \"{JsonValues.Clip(f.ClDt)}\" \"{JsonValues.Clip(f.ClTm)}\", expected like 22/Nov/2025 and 4:13:18 pm", rec);
            }
            if (!CallTimes.TryToUtc(_clock, local, out var converted))
            {
                return Bad(position, CallTimes.OutOfRange("clDt", local)!, rec);
            }
            start = converted;
        }
        var direction = DeepCallCallTypes.Direction(f.CallType);
        var customer = _phones.Normalize(f.Customer);
        return ParseResult.Ok(new CallRecord
        {
            Vendor = DeepCallVendor.VendorName,
            CallId = f.Id,
            Direction = direction,
            FromNumber = direction == Pipeline.Model.CallDirection.Outbound ? null : customer,
            ToNumber = direction == Pipeline.Model.CallDirection.Outbound ? customer : null,
            StartUtc = start,
            QueueSeconds = f.Queue,
            TalkSeconds = f.Talk,
            Outcome = f.Talk switch
            {
                > 0 => CallOutcome.Answered,
                0 => DeepCallCallTypes.Unanswered(direction),
                _ => CallOutcome.Unknown,
            },
            AgentId = f.Agent,
            RecordingUrl = (f.Recording ?? f.LegRecording) is { } rcrd ? options.RecordingUrl(rcrd) : null,
            Extras = CallExtras.FromWrittenUtf8(buffer.WrittenSpan),
        });
    }

    private string? ReadCall(JsonProperty p, ref CallFields f, Utf8JsonWriter extras)
    {
        var v = p.Value;
        var name = SafeJson.Name(p, out var badName);
        if (badName)
        {
            Extra(p, name, extras);
            return null;
        }
        switch (name)
        {
            case "clId":
                f.IdSeen = true;
                return JsonValues.Text(v, "clId", out f.Id);
            case "tm":
                return EpochMillis(v, out f.Tm);
            case "clDt":
                Extra(p, name, extras);
                return JsonValues.Text(v, "clDt", out f.ClDt, _warnings);
            case "clTm":
                Extra(p, name, extras);
                return JsonValues.Text(v, "clTm", out f.ClTm, _warnings);
            case "cNum":
                // The original stays in extras: the number columns hold the normalized form.
                Extra(p, name, extras);
                return JsonValues.Text(v, "cNum", out f.Customer, _warnings);
            case "clTy":
                Extra(p, name, extras);
                return JsonValues.Text(v, "clTy", out f.CallType, _warnings);
            case "mAgt":
                return JsonValues.Text(v, "mAgt", out f.Agent, _warnings);
            case "rcrd":
                return JsonValues.Text(v, "rcrd", out f.Recording, _warnings);
            case "dur":
                Extra(p, name, extras);
                return Durations(v, ref f);
            case "ctcc":
            case "ctc":
                Extra(p, name, extras);
                return Legs(v, name, ref f);
            case "api":
                WriteApi(v, extras);
                return null;
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

    private static ParseResult? TooLarge(JsonElement rec, string position) =>
        JsonMarshal.GetRawUtf8Value(rec).Length is var size && size > ParseGuard.MaxRecordBytes
            ? ParseResult.Bad(new Quarantined(position, ParseGuard.TooLarge(size), Quarantined.Cap(SafeJson.RawText(rec))))
            : null;

    private string? Durations(JsonElement v, ref CallFields f)
    {
        if (v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (v.ValueKind != JsonValueKind.Object)
        {
            return $"field 'dur' is {v.ValueKind.ToString().ToLowerInvariant()}, expected an object of HH:mm:ss durations";
        }
        if (SafeJson.TryGet(v, "q", out var q) && Hms(q, "dur.q", out f.Queue) is { } qError)
        {
            return qError;
        }
        if (SafeJson.TryGet(v, "agtOnCl", out var talk) && Hms(talk, "dur.agtOnCl", out f.Talk) is { } talkError)
        {
            return talkError;
        }
        f.Queue = Plausible("dur.q", f.Queue);
        f.Talk = Plausible("dur.agtOnCl", f.Talk);
        return null;
    }

    /// <summary>An implausible duration is left unknown with a warning (the call itself is fine).</summary>
    private int? Plausible(string field, int? seconds)
    {
        if (seconds is { } s && CallTimes.DurationOutOfRange(field, s) is { } range)
        {
            _warnings.Add(range + "; left unknown");
            return null;
        }
        return seconds;
    }

    /// <summary>Legs stay in extras verbatim; the first leg with a recording gives the call's recording.</summary>
    private static string? Legs(JsonElement v, string field, ref CallFields f)
    {
        if (v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (v.ValueKind != JsonValueKind.Array)
        {
            return $"field '{field}' is {v.ValueKind.ToString().ToLowerInvariant()}, expected an array of call legs";
        }
        foreach (var leg in v.EnumerateArray())
        {
            if (f.LegRecording is null && leg.ValueKind == JsonValueKind.Object && SafeJson.TryGet(leg, "rcrd", out var r)
                && r.ValueKind == JsonValueKind.String && JsonValues.StringOf(r) is { Length: > 0 } rcrd)
            {
                f.LegRecording = rcrd;
            }
        }
        return null;
    }

    /// <summary><c>api</c> is JSON inside a JSON string: kept parsed, or as the text when it is not JSON.</summary>
    private void WriteApi(JsonElement v, Utf8JsonWriter extras)
    {
        if (v.ValueKind == JsonValueKind.String && SafeJson.Text(v, out var repaired) is { Length: > 0 } text)
        {
            if (repaired)
            {
                _warnings.Repaired("api");
            }
            JsonDocument? inner = null;
            try
            {
                inner = JsonDocument.Parse(text);
            }
            catch (Exception e) when (e is JsonException or ArgumentException)
            {
                // Not JSON after all: kept as the vendor sent it.
            }
            if (inner is not null)
            {
                using (inner)
                {
                    extras.WritePropertyName("api");
                    WriteRepairing(inner.RootElement, extras);
                }
                return;
            }
            extras.WriteString("api", text);
            return;
        }
        extras.WritePropertyName("api");
        WriteRepairing(v, extras);
    }

    /// <summary>Writes a value whose text may hold bad bytes or lone surrogates (a <c>\\ud800</c> inside the inner JSON).</summary>
    private void WriteRepairing(JsonElement value, Utf8JsonWriter extras)
    {
        if (SafeJson.WriteValue(value, extras))
        {
            _warnings.Repaired("api");
        }
    }

    private static string? EpochMillis(JsonElement v, out DateTimeOffset? utc)
    {
        utc = null;
        long ms;
        switch (v.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.Number when v.TryGetInt64(out ms):
                break;
            case JsonValueKind.String when JsonValues.StringOf(v) is var s:
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
                return $"field 'tm' is {v.ValueKind.ToString().ToLowerInvariant()} {JsonValues.Clip(SafeJson.RawText(v))}, expected epoch milliseconds";
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
    internal static string? Hms(JsonElement v, string field, out int? seconds)
    {
        seconds = null;
        if (v.ValueKind is JsonValueKind.Null)
        {
            return null;
        }
        if (v.ValueKind == JsonValueKind.Number)
        {
            return JsonValues.Count(v, field, out seconds);
        }
        if (v.ValueKind != JsonValueKind.String)
        {
            return $"field '{field}' is {v.ValueKind.ToString().ToLowerInvariant()}, expected HH:mm:ss";
        }
        var s = JsonValues.StringOf(v);
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

    /// <summary><c>22/Nov/2025</c> + <c>4:13:18 pm</c> (lower-case am/pm).</summary>
    internal static bool TryLocalDateTime(string date, string time, out DateTime local) =>
        DateTime.TryParseExact($"{date} {time.ToUpperInvariant()}", ["dd/MMM/yyyy h:mm:ss tt", "d/MMM/yyyy h:mm:ss tt"],
            CultureInfo.InvariantCulture, DateTimeStyles.None, out local);

    /// <summary>A push report (DeepCall's documented webhook fields); times are <c>yyyy-MM-dd HH:mm:ss</c> in IST.</summary>
    private ParseResult MapPush(JsonElement rec, string position) =>
        ParseGuard.Record((Parser: this, Rec: rec, Position: position), s => s.Parser.MapPushUnguarded(s.Rec, s.Position), position, s => SafeJson.RawText(s.Rec));

    private ParseResult MapPushUnguarded(JsonElement rec, string position)
    {
        if (TooLarge(rec, position) is { } tooLarge)
        {
            return tooLarge;
        }
        var f = new PushFields();
        _warnings.Clear();
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var extras = new Utf8JsonWriter(buffer, CallExtras.WriterOptions))
        {
            extras.WriteStartObject();
            foreach (var p in rec.EnumerateObject())
            {
                if (ReadPush(p, ref f, extras) is { } error)
                {
                    return Bad(position, error, rec);
                }
            }
            _warnings.WriteTo(extras);
            extras.WriteEndObject();
        }
        if (f.Id is null)
        {
            return Bad(position, "field 'callId' is empty", rec);
        }
        if (f.Start is null)
        {
            return Bad(position, "field 'ivrSTime' (the call's start) is missing or empty", rec);
        }
        var direction = DeepCallCallTypes.Direction(f.CallType);
        var customer = _phones.Normalize(f.Customer);
        var did = _phones.Normalize(f.Did);
        var outbound = direction == Pipeline.Model.CallDirection.Outbound;
        return ParseResult.Ok(new CallRecord
        {
            Vendor = DeepCallVendor.VendorName,
            CallId = f.Id,
            Direction = direction,
            FromNumber = outbound ? did : customer,
            ToNumber = outbound ? customer : did,
            StartUtc = f.Start,
            AnswerUtc = f.Answer,
            EndUtc = f.Hangup ?? f.End,
            TalkSeconds = f.Answer is null ? 0 : CallTimes.Between(f.Answer, f.Hangup),
            TotalSeconds = f.IvrDuration ?? CallTimes.Between(f.Start, f.End),
            Outcome = f.Answer is not null ? CallOutcome.Answered : DeepCallCallTypes.Unanswered(direction),
            AgentId = f.Agent,
            Extras = CallExtras.FromWrittenUtf8(buffer.WrittenSpan),
        });
    }

    private string? ReadPush(JsonProperty p, ref PushFields f, Utf8JsonWriter extras)
    {
        var v = p.Value;
        var name = SafeJson.Name(p, out var badName);
        if (badName)
        {
            Extra(p, name, extras);
            return null;
        }
        switch (name)
        {
            case "callId":
                return JsonValues.Text(v, "callId", out f.Id);
            case "cType":
                Extra(p, name, extras);
                return JsonValues.Text(v, "cType", out f.CallType, _warnings);
            case "cNumber":
                Extra(p, name, extras);
                return JsonValues.Text(v, "cNumber", out f.Customer, _warnings);
            case "DID":
                Extra(p, name, extras);
                return JsonValues.Text(v, "DID", out f.Did, _warnings);
            case "masterAgent":
                return JsonValues.Text(v, "masterAgent", out f.Agent, _warnings);
            case "ivrDuration":
                return JsonValues.Duration(v, "ivrDuration", out f.IvrDuration, _warnings);
            case "ivrSTime":
                return Time(v, "ivrSTime", out f.Start, null);
            case "ivrETime":
                return Time(v, "ivrETime", out f.End, _warnings);
            case "firstAnswerTime":
                return Time(v, "firstAnswerTime", out f.Answer, _warnings);
            case "lastHangupTime":
                return Time(v, "lastHangupTime", out f.Hangup, _warnings);
            default:
                Extra(p, name, extras);
                return null;
        }
    }

    private string? Time(JsonElement v, string field, out DateTimeOffset? utc, RecordWarnings? warnings) =>
        JsonValues.LocalTime(v, field, _clock, out utc, warnings);

    private static ParseResult FileError(string reason) => ParseResult.Bad(new Quarantined("file", reason, FileLevel: true));

    private static ParseResult Bad(string position, string reason, JsonElement rec) =>
        ParseResult.Bad(new Quarantined(position, reason, Quarantined.Cap(SafeJson.RawText(rec))));

    private struct CallFields
    {
        public string? Id;
        public bool IdSeen;
        public DateTimeOffset? Tm;
        public string? ClDt;
        public string? ClTm;
        public string? Customer;
        public string? CallType;
        public string? Agent;
        public string? Recording;
        public string? LegRecording;
        public int? Queue;
        public int? Talk;
    }

    private struct PushFields
    {
        public string? Id;
        public string? CallType;
        public string? Customer;
        public string? Did;
        public string? Agent;
        public int? IvrDuration;
        public DateTimeOffset? Start;
        public DateTimeOffset? End;
        public DateTimeOffset? Answer;
        public DateTimeOffset? Hangup;
    }
}
