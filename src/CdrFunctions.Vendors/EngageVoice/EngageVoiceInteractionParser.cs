using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Parsing;
using CdrFunctions.Pipeline.Phones;
using CdrFunctions.Pipeline.Vendors;

namespace CdrFunctions.Vendors.EngageVoice;

/// <summary>
/// interaction-metadata segments → one <see cref="CallRecord"/> per dialog. Segments are deduplicated by
/// (<c>subAccountId</c>, <c>dialogId</c>, <c>segmentId</c>), the last copy winning; a dialog's segments may
/// come from several files (see <see cref="ICallPartsVendor"/>). The mapping is documented in docs/engagevoice.md.
/// </summary>
public sealed class EngageVoiceInteractionParser(PhoneNumberNormalizer phones)
{
    /// <summary>Dialog-level fields every segment repeats: written once per call in extras, not per segment.</summary>
    private static readonly HashSet<string> DialogFields = new(StringComparer.Ordinal)
    {
        "subAccountId", "dialogId", "interactionId", "channelId", "channelType", "channelClass", "channelEndpointAddress",
        "contactEndpointAddress", "dialogOrigination", "dialogStartTimeMs", "dialogEndTimeMs", "dialogDurationMs",
    };

    /// <summary>The dialog-level fields kept in extras, in this order (times and numbers have columns).</summary>
    private static readonly string[] ExtrasDialogFields =
    [
        "subAccountId", "dialogId", "interactionId", "channelId", "channelType", "channelClass", "dialogOrigination", "channelEndpointAddress", "contactEndpointAddress",
    ];

    public async IAsyncEnumerable<ParseResult> ParseAsync(
        Stream own, RawFileInfo file, IReadOnlyList<(Stream Raw, RawFileInfo File)> followers, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (segments, bad) = EngageVoiceSegmentReader.Read(await ReadAllAsync(own, cancellationToken).ConfigureAwait(false));
        foreach (var q in bad)
        {
            yield return ParseResult.Bad(q);
        }
        var ownDialogs = segments.Select(s => s.DialogKey).ToHashSet();
        foreach (var (raw, follower) in followers)
        {
            // A follower's bad segments are quarantined when its own window is normalized.
            var (later, _) = EngageVoiceSegmentReader.Read(await ReadAllAsync(raw, cancellationToken).ConfigureAwait(false), follower.BlobName);
            segments.AddRange(later.Where(s => ownDialogs.Contains(s.DialogKey) || (file.Window is { } w && w.Contains(s.DialogStart))));
        }
        foreach (var dialog in Dialogs(segments))
        {
            foreach (var result in Call(dialog))
            {
                yield return result;
            }
        }
    }

    /// <summary>
    /// The call of one dialog, in its own guard: when its id is unusable or mapping it throws, each of its segments
    /// is quarantined with the reason (so every segment read is either in a call or in quarantine).
    /// </summary>
    private IEnumerable<ParseResult> Call(List<EngageVoiceSegment> dialog)
    {
        var reason = dialog.Select(s => s.BadCallId).FirstOrDefault(r => r is not null);
        if (reason is null)
        {
            ParseResult? call = null;
            try
            {
                call = ParseResult.Ok(ToCall(dialog));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                reason = ParseGuard.Failed(e, "", null).Quarantined!.Reason;
            }
            if (call is { } ok)
            {
                return [ok];
            }
        }
        return dialog.Select(s => ParseResult.Bad(new Quarantined(s.Position, reason!, Quarantined.Cap(SafeJson.RawText(s.Json)))));
    }

    /// <summary>Segments grouped by dialog in order of first appearance, each segment once (the last copy).</summary>
    internal static IEnumerable<List<EngageVoiceSegment>> Dialogs(IEnumerable<EngageVoiceSegment> segments)
    {
        var dialogs = new Dictionary<(string, string), Dictionary<string, EngageVoiceSegment>>();
        var order = new List<(string, string)>();
        foreach (var s in segments)
        {
            if (!dialogs.TryGetValue(s.DialogKey, out var byId))
            {
                dialogs[s.DialogKey] = byId = new Dictionary<string, EngageVoiceSegment>(StringComparer.Ordinal);
                order.Add(s.DialogKey);
            }
            byId[s.SegmentId] = s;
        }
        return order.Select(k => dialogs[k].Values
            .OrderBy(s => s.SegmentStart ?? s.SegmentEnd ?? DateTimeOffset.MaxValue)
            .ThenBy(s => s.SegmentEnd ?? DateTimeOffset.MaxValue)
            .ThenBy(s => s.SegmentId, StringComparer.Ordinal)
            .ToList());
    }

    internal CallRecord ToCall(IReadOnlyList<EngageVoiceSegment> segments)
    {
        // The latest segment carries the most complete view of the dialog (an early leg may predate its end).
        var latest = segments.MaxBy(s => s.SegmentEnd ?? s.SegmentStart ?? DateTimeOffset.MinValue)!;
        var ended = segments.Where(s => s.DialogEnd is not null).MaxBy(s => s.DialogEnd);
        var agents = segments.Where(s => s.IsAgent).ToList();
        var firstAgent = agents.FirstOrDefault();
        var interactionId = latest.Text("interactionId") ?? segments.Select(s => s.Text("interactionId")).FirstOrDefault(t => t is not null);
        var direction = latest.Text("dialogOrigination")?.ToUpperInvariant() switch
        {
            "INBOUND" => CallDirection.Inbound,
            "OUTBOUND" => CallDirection.Outbound,
            _ => CallDirection.Unknown,
        };
        var contact = phones.Normalize(latest.Text("contactEndpointAddress"));
        var channel = phones.Normalize(latest.Text("channelEndpointAddress"));
        var outcome = Outcome(segments, direction);
        var start = latest.DialogStart;
        var answer = outcome == CallOutcome.Answered && firstAgent is not null ? StartOf(segments, firstAgent, start) : null;
        var dialogMs = ended?.DialogDurationMs ?? latest.DialogDurationMs;
        return new CallRecord
        {
            Vendor = EngageVoiceVendor.VendorName,
            CallId = interactionId ?? latest.DialogId,
            Direction = direction,
            FromNumber = direction == CallDirection.Outbound ? channel : contact,
            ToNumber = direction == CallDirection.Outbound ? contact : channel,
            StartUtc = start,
            AnswerUtc = answer,
            EndUtc = ended?.DialogEnd,
            QueueSeconds = CallTimes.Between(start, answer),
            TalkSeconds = agents.Count == 0 ? 0 : Seconds(agents.Sum(s => s.SegmentDurationMs ?? 0)),
            TotalSeconds = dialogMs is { } ms ? Seconds(ms) : null,
            Outcome = outcome,
            AgentId = firstAgent?.Text("segmentParticipantId"),
            Queue = firstAgent?.Text("segmentAgentGroupId"),
            TransferCount = Math.Max(0, agents.Count - 1),
            Extras = Extras(segments, latest, ended, agents.Count == 0, segments.SelectMany(s => s.Warnings).Distinct(StringComparer.Ordinal).ToList()),
        };
    }

    /// <summary>
    /// answered: an AGENT segment's systemDisposition is ANSWER. Otherwise: a disposition naming abandon or
    /// voicemail; AGENT legs none of which answered → missed; IVR/BOT legs only → abandoned when inbound (the
    /// caller left before an agent, as the Call Detail report's ABANDON), failed when outbound.
    /// </summary>
    internal static CallOutcome Outcome(IReadOnlyList<EngageVoiceSegment> segments, CallDirection direction)
    {
        if (segments.Any(s => s.IsAgent && string.Equals(s.SystemDisposition, "ANSWER", StringComparison.OrdinalIgnoreCase)))
        {
            return CallOutcome.Answered;
        }
        var dispositions = segments.Select(s => (s.SystemDisposition ?? "").ToUpperInvariant()).ToList();
        if (dispositions.Any(d => d.Contains("ABANDON", StringComparison.Ordinal)))
        {
            return CallOutcome.Abandoned;
        }
        if (dispositions.Any(d => d.Contains("VOICEMAIL", StringComparison.Ordinal) || d.Contains("MACHINE", StringComparison.Ordinal)))
        {
            return CallOutcome.Voicemail;
        }
        if (segments.Any(s => s.IsAgent))
        {
            return CallOutcome.Missed;
        }
        return direction switch
        {
            CallDirection.Inbound => CallOutcome.Abandoned,
            CallDirection.Outbound => CallOutcome.Failed,
            _ => CallOutcome.Unknown,
        };
    }

    /// <summary>
    /// A segment's start; when not sent (the spec's own example has none): its end minus its duration, else
    /// the end of the segment before it, else, for the first segment, the dialog's start.
    /// </summary>
    private static DateTimeOffset? StartOf(IReadOnlyList<EngageVoiceSegment> segments, EngageVoiceSegment segment, DateTimeOffset dialogStart)
    {
        if (segment.SegmentStart is { } start)
        {
            return start;
        }
        if (segment.SegmentEnd is { } end && segment.SegmentDurationMs is { } ms)
        {
            return end.AddMilliseconds(-ms);
        }
        var index = segments.ToList().IndexOf(segment);
        return index == 0 ? dialogStart : segments[index - 1].SegmentEnd;
    }

    private static int Seconds(long ms) => (int)Math.Min(int.MaxValue, ms / 1000);

    /// <summary>Vendor fields as sent, bad text repaired (each repair is one of <paramref name="warnings"/>, written as <c>_warnings</c>).</summary>
    private static CallExtras Extras(IReadOnlyList<EngageVoiceSegment> segments, EngageVoiceSegment latest, EngageVoiceSegment? ended, bool ivrOnly, IReadOnlyList<string> warnings) =>
        CallExtras.Build(w =>
        {
            foreach (var name in ExtrasDialogFields)
            {
                if (SafeJson.TryGet(latest.Json, name, out var v) && v.ValueKind != JsonValueKind.Null)
                {
                    w.WritePropertyName(name);
                    SafeJson.WriteValue(v, w);
                }
            }
            if ((ended ?? latest).DialogDurationMs is { } ms)
            {
                w.WriteNumber("dialogDurationMs", ms);
            }
            w.WriteBoolean("hasRecording", segments.Any(s => Flag(s, "hasRecording")));
            w.WriteBoolean("hasTranscript", segments.Any(s => Flag(s, "hasTranscript")));
            if (ivrOnly)
            {
                w.WriteBoolean("ivrOnly", true);
            }
            w.WriteStartArray("segments");
            foreach (var s in segments)
            {
                w.WriteStartObject();
                foreach (var p in s.Json.EnumerateObject())
                {
                    if (!DialogFields.Contains(SafeJson.Name(p, out _)))
                    {
                        SafeJson.WriteProperty(p, w);
                    }
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (warnings.Count > 0)
            {
                w.WriteStartArray(RecordWarnings.ExtrasKey);
                foreach (var warning in warnings)
                {
                    w.WriteStringValue(warning);
                }
                w.WriteEndArray();
            }
        });

    private static bool Flag(EngageVoiceSegment s, string name) =>
        SafeJson.TryGet(s.Json, name, out var v) && (v.ValueKind == JsonValueKind.True || (v.ValueKind == JsonValueKind.String && bool.TryParse(SafeJson.Text(v, out _), out var b) && b));

    private static async Task<ReadOnlyMemory<byte>> ReadAllAsync(Stream stream, CancellationToken cancellationToken)
    {
        if (stream is MemoryStream { } m && m.TryGetBuffer(out var segment))
        {
            return segment.AsMemory((int)m.Position);
        }
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        int read;
        while ((read = await stream.ReadAsync(buffer.GetMemory(64 * 1024), cancellationToken).ConfigureAwait(false)) > 0)
        {
            buffer.Advance(read);
        }
        return buffer.WrittenMemory;
    }
}
