using System.Globalization;
using System.Text.Json;
using CdrFunctions.Pipeline.Model;

namespace CdrFunctions.Vendors.EngageVoice;

/// <summary>One interaction-metadata segment (a leg of a dialog), checked; <see cref="Json"/> keeps it as sent.</summary>
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
    JsonElement Json)
{
    public (string SubAccountId, string DialogId) DialogKey => (SubAccountId, DialogId);

    public bool IsAgent => string.Equals(SegmentType, "AGENT", StringComparison.OrdinalIgnoreCase);

    public string? Text(string name) =>
        Json.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString()!.Trim() is { Length: > 0 } s ? s : null,
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
    /// <summary>Segments of one raw file, plus quarantine entries (positions like <c>segment 3</c> or <c>response 2, segment 3</c>).</summary>
    public static (List<EngageVoiceSegment> Segments, List<Quarantined> Bad) Read(ReadOnlyMemory<byte> utf8)
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
                bad.Add(new Quarantined(multiple ? $"response {r + 1}" : "file", reason, Quarantined.Cap(value.GetRawText()), FileLevel: !multiple));
                continue;
            }
            var i = 0;
            foreach (var item in items!)
            {
                i++;
                var position = string.Create(CultureInfo.InvariantCulture, $"{response}segment {i}");
                if (ReadSegment(item, out var segment) is { } error)
                {
                    bad.Add(new Quarantined(position, error, Quarantined.Cap(item.GetRawText())));
                }
                else
                {
                    segments.Add(segment!);
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
            if (value.TryGetProperty(name, out var m) && m.ValueKind == JsonValueKind.String)
            {
                return m.GetString();
            }
        }
        return null;
    }

    private static string? ReadSegment(JsonElement item, out EngageVoiceSegment? segment)
    {
        segment = null;
        if (item.ValueKind != JsonValueKind.Object)
        {
            return $"the segment is {item.ValueKind.ToString().ToLowerInvariant()}, expected an object";
        }
        var errors = new[]
        {
            Id(item, "subAccountId", out var sub),
            Id(item, "dialogId", out var dialog),
            Id(item, "segmentId", out var id),
            Time(item, "dialogStartTimeMs", required: true, out var dialogStart),
            Time(item, "dialogEndTimeMs", required: false, out var dialogEnd),
            Time(item, "segmentStartTimeMs", required: false, out var segmentStart),
            Time(item, "segmentEndTimeMs", required: false, out var segmentEnd),
            Millis(item, "dialogDurationMs", out var dialogMs),
            Millis(item, "segmentDurationMs", out var segmentMs),
        };
        if (Array.Find(errors, e => e is not null) is { } error)
        {
            return error;
        }
        segment = new EngageVoiceSegment(sub!, dialog!, id!, dialogStart!.Value, dialogEnd, dialogMs, segmentStart, segmentEnd, segmentMs,
            OptionalText(item, "segmentType"), OptionalText(item, "systemDisposition"), item);
        return null;
    }

    private static string? OptionalText(JsonElement item, string name) =>
        item.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString()!.Trim() is { Length: > 0 } s ? s : null;

    private static string? Id(JsonElement item, string name, out string? id)
    {
        id = null;
        if (!item.TryGetProperty(name, out var v) || v.ValueKind is JsonValueKind.Null)
        {
            return $"field '{name}' is missing";
        }
        id = v.ValueKind switch
        {
            JsonValueKind.String => v.GetString()!.Trim(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        };
        return string.IsNullOrEmpty(id) ? $"field '{name}' is empty or not text" : null;
    }

    /// <summary>The <c>*TimeMs</c> fields are ISO-8601 UTC strings with milliseconds, despite the name.</summary>
    private static string? Time(JsonElement item, string name, bool required, out DateTimeOffset? utc)
    {
        utc = null;
        if (!item.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null || (v.ValueKind == JsonValueKind.String && v.GetString()!.Trim().Length == 0))
        {
            return required ? $"field '{name}' is missing" : null;
        }
        if (v.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
        {
            utc = t;
            return null;
        }
        return $"field '{name}' is {Shown(v)}, expected an ISO-8601 UTC time like 2024-07-22T11:24:40.000Z";
    }

    private static string? Millis(JsonElement item, string name, out long? ms)
    {
        ms = null;
        if (!item.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) && n >= 0)
        {
            ms = n;
            return null;
        }
        if (v.ValueKind == JsonValueKind.String && long.TryParse(v.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var s))
        {
            ms = s;
            return null;
        }
        return $"field '{name}' is {Shown(v)}, expected whole milliseconds";
    }

    private static string Shown(JsonElement v)
    {
        var text = v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText();
        var clipped = text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…");
        return v.ValueKind == JsonValueKind.String ? $"\"{clipped}\"" : clipped;
    }
}
