using System.Globalization;
using System.Text;
using System.Text.Json;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Parsing;

using CdrFunctions.Vendors.DeepCall;

namespace CdrFunctions.Tests.Vendors.DeepCall.Reference;

/// <summary>The DOM call mapper of <see cref="Session6DeepCallParser"/> (main at 38da613). A call of the list or detail endpoint (field names of the documented detail example).</summary>
internal sealed class Session6DeepCallCallMapper(DeepCallOptions options) : DeepCallRecordMapper<Session6DeepCallCallMapper.CallFields>(options)
{
    private string? _recordingPrefix;

    protected override ParseResult Build(in CallFields f, CallExtras extras, string position, JsonElement rec)
    {
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
            if (!CallTimes.TryToUtc(Clock, local, out var converted))
            {
                return Bad(position, CallTimes.OutOfRange("clDt", local)!, rec);
            }
            start = converted;
        }
        var direction = DeepCallCallTypes.Direction(f.CallType);
        var customer = Phones.Normalize(f.Customer);
        return ParseResult.Ok(new CallRecord
        {
            Vendor = DeepCallVendor.VendorName,
            CallId = f.Id,
            Direction = direction,
            FromNumber = direction == CallDirection.Outbound ? null : customer,
            ToNumber = direction == CallDirection.Outbound ? customer : null,
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
            RecordingUrl = (f.Recording ?? f.LegRecording) is { } rcrd ? RecordingUrl(rcrd) : null,
            Extras = extras,
        });
    }

    /// <summary>
    /// <see cref="DeepCallOptions.RecordingUrl"/> with its prefix worked out once per file: building the
    /// <see cref="Uri"/> for every call showed as several per cent of the parse.
    /// </summary>
    private string RecordingUrl(string rcrd) => (_recordingPrefix ??= Options.RecordingUrl("")) + rcrd.Replace('*', '/');

    protected override string? Read(JsonProperty p, string name, ref CallFields f, Utf8ExtrasWriter extras)
    {
        var v = p.Value;
        switch (name)
        {
            case "clId":
                f.IdSeen = true;
                return JsonValues.Text(v, "clId", out f.Id);
            case "tm":
                return EpochMillis(v, out f.Tm);
            case "clDt":
                Extra(p, name, extras);
                return JsonValues.Text(v, "clDt", out f.ClDt, Warnings);
            case "clTm":
                Extra(p, name, extras);
                return JsonValues.Text(v, "clTm", out f.ClTm, Warnings);
            case "cNum":
                // The original stays in extras: the number columns hold the normalized form.
                Extra(p, name, extras);
                return JsonValues.Text(v, "cNum", out f.Customer, Warnings);
            case "clTy":
                Extra(p, name, extras);
                return JsonValues.Text(v, "clTy", out f.CallType, Warnings);
            case "mAgt":
                return JsonValues.Text(v, "mAgt", out f.Agent, Warnings);
            case "rcrd":
                return JsonValues.Text(v, "rcrd", out f.Recording, Warnings);
            case "dur":
                Extra(p, name, extras);
                return Durations(v, ref f);
            case "ctcc":
            case "ctc":
                Extra(p, name, extras);
                return Legs(v, name, ref f);
            case "api":
                WriteApi(v, extras.StartProperty());
                extras.EndProperty();
                return null;
            default:
                Extra(p, name, extras);
                return null;
        }
    }

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
            Warnings.Add(range + "; left unknown");
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
                Warnings.Repaired("api");
            }
            // Copied token by token as the document of the text would write itself: a JsonDocument per call
            // (its rented metadata) was a fifth of the parse.
            var utf8 = Encoding.UTF8.GetBytes(text);
            if (IsOneJsonValue(utf8))
            {
                var inner = new Utf8JsonReader(utf8);
                inner.Read();
                extras.WritePropertyName("api");
                if (Utf8Values.CopyValue(ref inner, extras))
                {
                    Warnings.Repaired("api");
                }
                return;
            }
            // Not JSON after all: kept as the vendor sent it.
            extras.WriteString("api", text);
            return;
        }
        extras.WritePropertyName("api");
        WriteRepairing(v, extras);
    }

    /// <summary>Whether <see cref="JsonDocument.Parse(ReadOnlyMemory{byte}, JsonDocumentOptions)"/> reads <paramref name="utf8"/> (one value, default options).</summary>
    private static bool IsOneJsonValue(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        try
        {
            if (!reader.Read())
            {
                return false;
            }
            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Writes a value whose text may hold bad bytes or lone surrogates (a <c>\\ud800</c> inside the inner JSON).</summary>
    private void WriteRepairing(JsonElement value, Utf8JsonWriter extras)
    {
        if (SafeJson.WriteValue(value, extras))
        {
            Warnings.Repaired("api");
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

    internal struct CallFields
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
}
