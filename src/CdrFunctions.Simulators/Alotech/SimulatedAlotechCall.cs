using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace CdrFunctions.Simulators.Alotech;

/// <summary>Ground truth of one generated call and the JSON record it is served as.</summary>
public sealed class SimulatedAlotechCall
{
    private readonly string _callHistoryJson;
    private readonly string _csatAnswersJson;
    private readonly string _callTagsJson;

    internal SimulatedAlotechCall(
        CallRef reference,
        string key,
        string callId,
        DateTime callDateLocal,
        bool inbound,
        bool answered,
        int? duration,
        AlotechCallQuirk quirk,
        string rawJson,
        AlotechCallExtras extras,
        AlotechCallFacts facts)
    {
        Reference = reference;
        Key = key;
        CallId = callId;
        CallDateUtc = DateTimeOffset.FromUnixTimeSeconds(reference.UnixSeconds);
        CallDateLocal = callDateLocal;
        Inbound = inbound;
        Answered = answered;
        Duration = duration;
        Quirk = quirk;
        RawJson = rawJson;
        Facts = facts;
        _callHistoryJson = extras.CallHistoryJson;
        _csatAnswersJson = extras.CsatAnswersJson;
        _callTagsJson = extras.CallTagsJson;
    }

    /// <summary>The call's key; absent from the served JSON when <see cref="Quirk"/> is <see cref="AlotechCallQuirk.MissingKey"/>.</summary>
    public string Key { get; }

    /// <summary>The <c>callid</c> field; present in every record, malformed or not.</summary>
    public string CallId { get; }

    /// <summary>True start of the call (the served <c>calldate</c> is this instant in tenant local time).</summary>
    public DateTimeOffset CallDateUtc { get; }

    /// <summary>Start of the call on the tenant's wall clock.</summary>
    public DateTime CallDateLocal { get; }

    public bool Inbound { get; }

    public bool Answered { get; }

    /// <summary>The <c>duration</c> field in seconds; null when served as JSON null.</summary>
    public int? Duration { get; }

    public AlotechCallQuirk Quirk { get; }

    /// <summary>Ground truth of the call (queue, outcome, durations) for checking figures computed downstream.</summary>
    public AlotechCallFacts Facts { get; }

    /// <summary>True for the quirks a client must reject (missing key, bad calldate, wrong type).</summary>
    public bool IsMalformed => Quirk is AlotechCallQuirk.MissingKey or AlotechCallQuirk.InvalidCallDate or AlotechCallQuirk.WrongTypeAnswered;

    /// <summary>The record exactly as served when no <c>include_*</c> flag is set.</summary>
    public string RawJson { get; }

    /// <summary>A fresh parse of <see cref="RawJson"/> on every access, so callers cannot alter what is served.</summary>
    public JsonObject Json => JsonNode.Parse(RawJson)!.AsObject();

    internal CallRef Reference { get; }

    internal string ToServedJson(AlotechIncludes includes)
    {
        if (includes == AlotechIncludes.None)
        {
            return RawJson;
        }

        // Splices the optional arrays before the closing brace: strings are immutable, so concurrent pages never race.
        var builder = new StringBuilder(RawJson, 0, RawJson.Length - 1, RawJson.Length + 512);
        Append(builder, includes, AlotechIncludes.CallHistory, "call_history", _callHistoryJson);
        Append(builder, includes, AlotechIncludes.Csat, "csat_answers", _csatAnswersJson);
        Append(builder, includes, AlotechIncludes.CallTags, "call_tags", _callTagsJson);
        return builder.Append('}').ToString();
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Key} {CallDateUtc:O} {Quirk}");

    private static void Append(StringBuilder builder, AlotechIncludes includes, AlotechIncludes flag, string name, string json)
    {
        if ((includes & flag) != 0)
        {
            builder.Append(",\"").Append(name).Append("\":").Append(json);
        }
    }
}
