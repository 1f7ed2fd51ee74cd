using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CdrFunctions.Simulators.Common;

namespace CdrFunctions.Simulators.EngageVoice;

/// <summary>A simulated interaction-metadata segment: the call it belongs to, the sub-account, and when it ended.</summary>
public sealed record SimulatedSegment(SimulatedEngageVoiceCall Call, string SubAccountId, string SegmentId, string Type, DateTimeOffset StartUtc, DateTimeOffset EndUtc, JsonObject Json);

/// <summary>
/// The ground truth of the Call Detail report as RingCX interaction-metadata: each call is one dialog in one
/// sub-account, an IVR leg for its queue time, then one AGENT leg, or two when it was transferred. Every
/// segment repeats the dialog's fields, as the spec's example does.
/// </summary>
internal static class EngageVoiceSegmentRenderer
{
    public const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public static string SubAccountOf(SimulatedEngageVoiceCall call, IReadOnlyList<string> subAccounts) =>
        subAccounts[(int)(Hash(call) % (ulong)subAccounts.Count)];

    /// <summary>From the uii's random tail and the call's start: stable across processes, unlike string hashes.</summary>
    private static ulong Hash(SimulatedEngageVoiceCall call) =>
        StableHash.Of(long.Parse(call.Uii.AsSpan(call.Uii.Length - 14), CultureInfo.InvariantCulture), call.EnqueueUtc.ToUnixTimeSeconds());

    /// <summary>A connected call that talked for a minute or more is transferred once in about a third of cases.</summary>
    public static bool IsTransferred(SimulatedEngageVoiceCall call) =>
        call.CallResult == "CONNECTED" && call.ConnectedSeconds >= 60 && (Hash(call) >> 20) % 3 == 0;

    public static IReadOnlyList<SimulatedSegment> Segments(SimulatedEngageVoiceCall call, IReadOnlyList<string> subAccounts)
    {
        var sub = SubAccountOf(call, subAccounts);
        var dialogId = string.Create(CultureInfo.InvariantCulture, $"s-v-{Hash(call) >> 16:x12}-{call.EnqueueUtc.ToUnixTimeMilliseconds()}");
        var start = call.EnqueueUtc;
        var answered = start.AddSeconds(call.QueueSeconds);
        var end = answered.AddSeconds(call.ConnectedSeconds);
        var legs = new List<(string Type, DateTimeOffset From, DateTimeOffset To, string? Agent, string? Disposition)>
        {
            ("IVR", start, answered, null, null),
        };
        if (call.CallResult == "CONNECTED")
        {
            if (IsTransferred(call))
            {
                var handover = answered.AddSeconds(call.ConnectedSeconds / 3);
                legs.Add(("AGENT", answered, handover, "4494" + call.ProfileId[..2], "ANSWER"));
                legs.Add(("AGENT", handover, end, "5581" + call.ProfileId[..2], "ANSWER"));
            }
            else
            {
                legs.Add(("AGENT", answered, end, "4494" + call.ProfileId[..2], "ANSWER"));
            }
        }
        var segments = new List<SimulatedSegment>(legs.Count);
        for (var i = 0; i < legs.Count; i++)
        {
            var (type, from, to, agent, disposition) = legs[i];
            var segmentId = string.Create(CultureInfo.InvariantCulture, $"p-v-{dialogId[4..16]}-{i + 1:x4}");
            var json = new JsonObject
            {
                ["subAccountId"] = sub,
                ["dialogId"] = dialogId,
                ["interactionId"] = call.Uii,
                ["channelId"] = "VOICE-" + call.ProfileId,
                ["channelType"] = "VOICE",
                ["channelClass"] = "VOICE",
                ["channelEndpointAddress"] = call.Dnis,
                ["contactEndpointAddress"] = call.Ani,
                ["dialogOrigination"] = "INBOUND",
                // A malformed call's dialog start cannot be read: the parser quarantines its segments.
                ["dialogStartTimeMs"] = call.Malformed ? "not a time" : Time(start),
                ["dialogEndTimeMs"] = Time(end),
                ["dialogDurationMs"] = (long)(end - start).TotalMilliseconds,
                ["segmentId"] = segmentId,
                ["segmentType"] = type,
                ["segmentStartTimeMs"] = Time(from),
                ["segmentEndTimeMs"] = Time(to),
                ["segmentDurationMs"] = (long)(to - from).TotalMilliseconds,
                ["segmentParticipantId"] = agent,
                ["segmentParticipantRcExtensionId"] = agent is null ? null : "9859" + agent,
                ["segmentAgentGroupId"] = type == "AGENT" ? "768" + call.ProfileId[..2] : null,
                ["systemDisposition"] = disposition,
                ["agentDisposition"] = type == "AGENT" ? "Success" : null,
                ["agentNotes"] = type == "AGENT" && i == legs.Count - 1 ? "Resolved on call" : null,
                ["hasRecording"] = type == "AGENT",
                ["hasTranscript"] = type == "AGENT",
                ["segmentEvents"] = type == "AGENT"
                    ? new JsonArray(Event(from, "REC_START"), Event(to, "REC_STOP"))
                    : new JsonArray(),
            };
            segments.Add(new SimulatedSegment(call, sub, segmentId, type, from, to, json));
        }
        return segments;
    }

    public static string Render(IEnumerable<SimulatedSegment> segments)
    {
        var array = new JsonArray();
        foreach (var s in segments)
        {
            array.Add(s.Json.DeepClone());
        }
        return array.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    private static JsonObject Event(DateTimeOffset at, string type) => new()
    {
        ["eventTimeMs"] = Time(at),
        ["clientEventTimeMs"] = Time(at.AddMilliseconds(120)),
        ["eventType"] = type,
    };

    private static string Time(DateTimeOffset utc) => utc.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);
}
