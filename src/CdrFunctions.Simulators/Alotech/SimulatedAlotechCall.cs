using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace CdrFunctions.Simulators.Alotech;

/// <summary>How a generated call deviates from a clean record when <see cref="AlotechSimulatorOptions.MalformedEvery"/> is on.</summary>
public enum AlotechCallQuirk
{
    /// <summary>A clean record.</summary>
    None,

    /// <summary>Malformed: the record has no <c>key</c> property.</summary>
    MissingKey,

    /// <summary>Malformed: <c>calldate</c> is <c>"not-a-date"</c>.</summary>
    InvalidCallDate,

    /// <summary>Malformed: <c>answered</c> is an object instead of a boolean.</summary>
    WrongTypeAnswered,

    /// <summary>Valid: the key contains a slash, a hash and a control character (ids are untrusted but legal).</summary>
    UnusualKey,
}

/// <summary>
/// What really happened on a generated call, before it became vendor JSON: the ground truth that figures
/// computed downstream (KPIs over the curated files) are checked against.
/// </summary>
/// <param name="Queue">The queue the call waited in; null when it never reached one (outbound, or hung up in the IVR).</param>
/// <param name="WaitSeconds">Time in the queue (inbound) or ringing (outbound) before an answer or a hang-up.</param>
/// <param name="TalkSeconds">From answer to hang-up, hold included; 0 when not answered.</param>
public sealed record AlotechCallFacts(
    bool Inbound,
    string? Queue,
    string? AgentId,
    bool Answered,
    bool Voicemail,
    int WaitSeconds,
    int TalkSeconds,
    int HoldSeconds,
    int Transfers);

/// <summary>Ground truth of one generated call and the JSON record it is served as.</summary>
public sealed class SimulatedAlotechCall
{
    private static readonly string[] ExtraNames = ["call_history", "csat_answers", "call_tags"];
    private readonly string[] _extras;

    internal SimulatedAlotechCall(string key, string callId, DateTimeOffset callDateUtc, AlotechCallQuirk quirk, string rawJson, string[] extras, AlotechCallFacts facts)
    {
        Key = key;
        CallId = callId;
        CallDateUtc = callDateUtc;
        Quirk = quirk;
        RawJson = rawJson;
        _extras = extras;
        Facts = facts;
    }

    /// <summary>The call's key; absent from the served JSON when <see cref="Quirk"/> is <see cref="AlotechCallQuirk.MissingKey"/>.</summary>
    public string Key { get; }

    /// <summary>The <c>callid</c> field; present in every record, malformed or not.</summary>
    public string CallId { get; }

    /// <summary>True start of the call (the served <c>calldate</c> is this instant in tenant local time).</summary>
    public DateTimeOffset CallDateUtc { get; }

    public bool Answered => Facts.Answered;

    public AlotechCallQuirk Quirk { get; }

    /// <summary>Ground truth of the call (queue, outcome, durations) for checking figures computed downstream.</summary>
    public AlotechCallFacts Facts { get; }

    /// <summary>True for the quirks a client must reject (missing key, bad calldate, wrong type).</summary>
    public bool IsMalformed => Quirk is AlotechCallQuirk.MissingKey or AlotechCallQuirk.InvalidCallDate or AlotechCallQuirk.WrongTypeAnswered;

    /// <summary>The record exactly as served when no <c>include_*</c> flag is set.</summary>
    public string RawJson { get; }

    /// <summary>A fresh parse of <see cref="RawJson"/> on every access, so callers cannot alter what is served.</summary>
    public JsonObject Json => JsonNode.Parse(RawJson)!.AsObject();

    internal string ToServedJson(AlotechIncludes includes)
    {
        if (includes == AlotechIncludes.None)
        {
            return RawJson;
        }
        // Splices the optional arrays before the closing brace: strings are immutable, so concurrent pages never race.
        var builder = new StringBuilder(RawJson, 0, RawJson.Length - 1, RawJson.Length + 512);
        for (var i = 0; i < ExtraNames.Length; i++)
        {
            if (((int)includes & (1 << i)) != 0)
            {
                builder.Append(",\"").Append(ExtraNames[i]).Append("\":").Append(_extras[i]);
            }
        }
        return builder.Append('}').ToString();
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Key} {CallDateUtc:O} {Quirk}");
}
