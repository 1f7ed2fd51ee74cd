using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Parsing;

namespace CdrFunctions.Vendors.EngageVoice;

/// <summary>
/// One interaction-metadata segment (a leg of a dialog), checked; <see cref="Json"/> keeps it as sent.
/// <see cref="Position"/> names it in quarantine entries; <see cref="Warnings"/> is what was repaired or left
/// unknown; <see cref="BadCallId"/> says why its interactionId (the call's id) cannot be used, when it cannot.
/// </summary>
internal sealed record EngageVoiceSegment(
    string SubAccountId,
    string DialogId,
    string SegmentId,
    DateTimeOffset DialogStart,
    DateTimeOffset? DialogEnd,
    long? DialogDurationMs,
    DateTimeOffset? SegmentStart,
    DateTimeOffset? SegmentEnd,
    long? SegmentDurationMs,
    string? SegmentType,
    string? SystemDisposition,
    JsonElement Json,
    string Position,
    IReadOnlyList<string> Warnings,
    string? BadCallId)
{
    public (string SubAccountId, string DialogId) DialogKey => (SubAccountId, DialogId);

    public bool IsAgent => string.Equals(SegmentType, "AGENT", StringComparison.OrdinalIgnoreCase);

    /// <summary>The field's text (repaired text is already a warning of the segment).</summary>
    public string? Text(string name) =>
        SafeJson.TryGet(Json, name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => SafeJson.Text(v, out _).Trim() is { Length: > 0 } s ? s : null,
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        } : null;
}

/// <summary>
/// Reads interaction-metadata responses: a raw blob is one response (a JSON array of segments) or, with
/// several sub-accounts, their responses one after another as sent. Bad segments come back with their position.
/// </summary>
internal static class EngageVoiceSegmentReader
{
    /// <summary>The fields that identify a segment: text that is not valid there cannot be repaired.</summary>
    private static readonly string[] SegmentIds = ["subAccountId", "dialogId", "segmentId"];

    /// <summary>
    /// Segments of one raw file, plus quarantine entries (positions like <c>segment 3</c> or <c>response 2, segment 3</c>,
    /// after <paramref name="file"/> and a colon when given). Each segment is read in its own guard.
    /// </summary>
    public static (List<EngageVoiceSegment> Segments, List<Quarantined> Bad) Read(ReadOnlyMemory<byte> utf8, string? file = null)
    {
        var segments = new List<EngageVoiceSegment>();
        var bad = new List<Quarantined>();
        // Each response is an array read item by item, so JSON that breaks off loses only the segment it cut.
        var responses = new List<(List<JsonElement>? Items, JsonElement? Other)>();
        string? broken = null;
        var reader = new Utf8JsonReader(utf8.Span, new JsonReaderOptions { AllowMultipleValues = true, CommentHandling = JsonCommentHandling.Skip });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    var items = new List<JsonElement>();
                    responses.Add((items, null));
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        using var item = JsonDocument.ParseValue(ref reader);
                        items.Add(item.RootElement.Clone());
                    }
                    continue;
                }
                using var doc = JsonDocument.ParseValue(ref reader);
                responses.Add((null, doc.RootElement.Clone()));
            }
        }
        catch (JsonException e)
        {
            broken = string.Create(CultureInfo.InvariantCulture, $"the JSON breaks off at byte {reader.BytesConsumed} ({e.Message}); segments before it were read");
        }

        var multiple = responses.Count > 1;
        for (var r = 0; r < responses.Count; r++)
        {
            var (items, other) = responses[r];
            var response = multiple ? $"response {r + 1}, " : "";
            if (other is { } value)
            {
                var reason = value.ValueKind == JsonValueKind.Object && ErrorMessage(value) is { } message
                    ? $"the response is an Engage error, not segments: {message}"
                    : $"the response is {value.ValueKind.ToString().ToLowerInvariant()}, expected an array of segments";
                bad.Add(new Quarantined(multiple ? $"response {r + 1}" : "file", reason, Quarantined.Cap(SafeJson.RawText(value)), FileLevel: !multiple));
                continue;
            }
            var i = 0;
            foreach (var item in items!)
            {
                i++;
                var position = string.Create(CultureInfo.InvariantCulture, $"{(file is null ? "" : file + ": ")}{response}segment {i}");
                try
                {
                    if (ReadSegment(item, position, out var segment) is { } error)
                    {
                        bad.Add(new Quarantined(position, error, Quarantined.Cap(SafeJson.RawText(item))));
                    }
                    else
                    {
                        segments.Add(segment!);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    bad.Add(ParseGuard.Failed(e, position, SafeJson.RawText(item)).Quarantined!);
                }
            }
        }
        if (broken is not null)
        {
            bad.Add(new Quarantined(responses.Count == 0 ? "file" : "end of file", broken, FileLevel: responses.Count == 0));
        }
        return (segments, bad);
    }

    private static string? ErrorMessage(JsonElement value)
    {
        foreach (var name in new[] { "generalMessage", "developerMessage", "errorMessage", "message" })
        {
            if (SafeJson.TryGet(value, name, out var m) && m.ValueKind == JsonValueKind.String)
            {
                return SafeJson.Text(m, out _);
            }
        }
        return null;
    }

    private static string? ReadSegment(JsonElement item, string position, out EngageVoiceSegment? segment)
    {
        segment = null;
        if (item.ValueKind != JsonValueKind.Object)
        {
            return $"the segment is {item.ValueKind.ToString().ToLowerInvariant()}, expected an object";
        }
        var raw = JsonMarshal.GetRawUtf8Value(item);
        if (raw.Length > ParseGuard.MaxRecordBytes)
        {
            return ParseGuard.TooLarge(raw.Length);
        }
        var warnings = new List<string>();
        string? badCallId = null;
        // One vectorized check of the whole segment; only dirty segments are looked at field by field.
        if (!SafeJson.IsClean(raw) && BadText(item, warnings, out badCallId) is { } badId)
        {
            return badId;
        }
        var errors = new[]
        {
            Id(item, "subAccountId", out var sub),
            Id(item, "dialogId", out var dialog),
            Id(item, "segmentId", out var id),
            Time(item, "dialogStartTimeMs", required: true, warnings, out var dialogStart),
            Time(item, "dialogEndTimeMs", required: false, warnings, out var dialogEnd),
            Time(item, "segmentStartTimeMs", required: false, warnings, out var segmentStart),
            Time(item, "segmentEndTimeMs", required: false, warnings, out var segmentEnd),
            Millis(item, "dialogDurationMs", warnings, out var dialogMs),
            Millis(item, "segmentDurationMs", warnings, out var segmentMs),
        };
        if (Array.Find(errors, e => e is not null) is { } error)
        {
            return error;
        }
        segment = new EngageVoiceSegment(sub!, dialog!, id!, dialogStart!.Value, dialogEnd, dialogMs, segmentStart, segmentEnd, segmentMs,
            OptionalText(item, "segmentType"), OptionalText(item, "systemDisposition"), item, position, warnings, badCallId);
        return null;
    }

    /// <summary>
    /// Invalid UTF-8 or a lone surrogate: in a segment id it is the segment's quarantine reason (returned); in the
    /// interactionId it makes the whole call unusable (<paramref name="badCallId"/>); anywhere else it is a warning.
    /// </summary>
    private static string? BadText(JsonElement item, List<string> warnings, out string? badCallId)
    {
        badCallId = null;
        foreach (var p in item.EnumerateObject())
        {
            var name = SafeJson.Name(p, out var badName);
            var badValue = !SafeJson.IsClean(JsonMarshal.GetRawUtf8Value(p.Value));
            if (badValue && !badName && SegmentIds.Contains(name))
            {
                return $"field '{name}' holds invalid UTF-8 or a lone surrogate; an id cannot be repaired";
            }
            if (badValue && !badName && name == "interactionId")
            {
                badCallId = "field 'interactionId' (the call id) holds invalid UTF-8 or a lone surrogate; an id cannot be repaired";
            }
            else if (badValue || badName)
            {
                warnings.Add($"field '{name}' held invalid UTF-8 or a lone surrogate; replaced with U+FFFD");
            }
        }
        return null;
    }

    private static string? OptionalText(JsonElement item, string name) =>
        SafeJson.TryGet(item, name, out var v) && v.ValueKind == JsonValueKind.String && SafeJson.Text(v, out _).Trim() is { Length: > 0 } s ? s : null;

    private static string? Id(JsonElement item, string name, out string? id)
    {
        id = null;
        if (!SafeJson.TryGet(item, name, out var v) || v.ValueKind is JsonValueKind.Null)
        {
            return $"field '{name}' is missing";
        }
        var repaired = false;
        id = v.ValueKind switch
        {
            JsonValueKind.String => SafeJson.Text(v, out repaired).Trim(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        };
        return repaired ? $"field '{name}' holds invalid UTF-8 or a lone surrogate; an id cannot be repaired"
            : string.IsNullOrEmpty(id) ? $"field '{name}' is empty or not text" : null;
    }

    /// <summary>
    /// The <c>*TimeMs</c> fields are ISO-8601 UTC strings with milliseconds, despite the name. A time outside
    /// 2000–2099 is no call time: the dialog's start quarantines the segment, any other is unknown with a warning.
    /// </summary>
    private static string? Time(JsonElement item, string name, bool required, List<string> warnings, out DateTimeOffset? utc)
    {
        utc = null;
        if (!SafeJson.TryGet(item, name, out var v) || v.ValueKind == JsonValueKind.Null
            || (v.ValueKind == JsonValueKind.String && SafeJson.Text(v, out _).Trim().Length == 0))
        {
            return required ? $"field '{name}' is missing" : null;
        }
        if (v.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(SafeJson.Text(v, out _), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
        {
            if (CallTimes.OutOfRange(name, t.UtcDateTime) is { } outOfRange)
            {
                if (required)
                {
                    return outOfRange;
                }
                warnings.Add($"{outOfRange}; left unknown");
                return null;
            }
            utc = t;
            return null;
        }
        return $"field '{name}' is {Shown(v)}, expected an ISO-8601 UTC time like 2024-07-22T11:24:40.000Z";
    }

    /// <summary>Whole milliseconds; over <see cref="CallTimes.MaxCallSeconds"/> it is no call's duration: unknown, with a warning.</summary>
    private static string? Millis(JsonElement item, string name, List<string> warnings, out long? ms)
    {
        ms = null;
        if (!SafeJson.TryGet(item, name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        long value;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) && n >= 0)
        {
            value = n;
        }
        else if (v.ValueKind == JsonValueKind.String && long.TryParse(SafeJson.Text(v, out _), NumberStyles.None, CultureInfo.InvariantCulture, out var s))
        {
            value = s;
        }
        else
        {
            return $"field '{name}' is {Shown(v)}, expected whole milliseconds";
        }
        if (CallTimes.DurationOutOfRange(name, value / 1000) is { } outOfRange)
        {
            warnings.Add($"{outOfRange}; left unknown");
            return null;
        }
        ms = value;
        return null;
    }

    private static string Shown(JsonElement v)
    {
        var text = v.ValueKind == JsonValueKind.String ? SafeJson.Text(v, out _) : SafeJson.RawText(v);
        var clipped = text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…");
        return v.ValueKind == JsonValueKind.String ? $"\"{clipped}\"" : clipped;
    }
}
