using System.Text.Json.Serialization;

namespace CdrFunctions.Pipeline.Model;

/// <summary>
/// One call, in the schema shared by every vendor. Its camelCase JSON form is a public contract
/// (the lookup API and <c>cdr parse</c> print it), so add fields, never rename them.
/// </summary>
public sealed record CallRecord
{
    public required string Vendor { get; init; }
    public required string CallId { get; init; }
    public CallDirection Direction { get; init; } = CallDirection.Unknown;
    public string? FromNumber { get; init; }
    public string? ToNumber { get; init; }
    public DateTimeOffset? StartUtc { get; init; }
    public DateTimeOffset? AnswerUtc { get; init; }
    public DateTimeOffset? EndUtc { get; init; }
    public int? QueueSeconds { get; init; }
    public int? TalkSeconds { get; init; }
    public int? HoldSeconds { get; init; }
    public int? TotalSeconds { get; init; }
    public CallOutcome Outcome { get; init; } = CallOutcome.Unknown;
    public string? AgentId { get; init; }
    public string? AgentName { get; init; }
    public string? Queue { get; init; }
    public string? RecordingUrl { get; init; }
    public int? TransferCount { get; init; }
    public string? RawBlob { get => _rawBlob; init => _rawBlob = value; }
    public CallExtras Extras { get; init; } = CallExtras.Empty;

    private string? _rawBlob;

    /// <summary>
    /// This record with <see cref="RawBlob"/> set, for the one reader that owns the records a parser yields (no parser
    /// keeps one): an unnamed record is named in place, so a window's records are not each copied to add their blob.
    /// </summary>
    internal CallRecord NamedFrom(string rawBlob)
    {
        if (_rawBlob is null)
        {
            _rawBlob = rawBlob;
            return this;
        }
        return _rawBlob == rawBlob ? this : this with { RawBlob = rawBlob };
    }
}

[JsonConverter(typeof(JsonStringEnumConverter<CallDirection>))]
public enum CallDirection
{
    [JsonStringEnumMemberName("unknown")] Unknown,
    [JsonStringEnumMemberName("inbound")] Inbound,
    [JsonStringEnumMemberName("outbound")] Outbound,
    [JsonStringEnumMemberName("internal")] Internal,
}

[JsonConverter(typeof(JsonStringEnumConverter<CallOutcome>))]
public enum CallOutcome
{
    [JsonStringEnumMemberName("unknown")] Unknown,
    [JsonStringEnumMemberName("answered")] Answered,
    [JsonStringEnumMemberName("abandoned")] Abandoned,
    [JsonStringEnumMemberName("missed")] Missed,
    [JsonStringEnumMemberName("voicemail")] Voicemail,
    [JsonStringEnumMemberName("failed")] Failed,
}

public static class CallEnumNames
{
    public static string ToWire(this CallDirection d) => d switch
    {
        CallDirection.Inbound => "inbound",
        CallDirection.Outbound => "outbound",
        CallDirection.Internal => "internal",
        _ => "unknown",
    };

    public static string ToWire(this CallOutcome o) => o switch
    {
        CallOutcome.Answered => "answered",
        CallOutcome.Abandoned => "abandoned",
        CallOutcome.Missed => "missed",
        CallOutcome.Voicemail => "voicemail",
        CallOutcome.Failed => "failed",
        _ => "unknown",
    };

    public static CallDirection ParseDirection(string? s) => s switch
    {
        "inbound" => CallDirection.Inbound,
        "outbound" => CallDirection.Outbound,
        "internal" => CallDirection.Internal,
        _ => CallDirection.Unknown,
    };

    public static CallOutcome ParseOutcome(string? s) => s switch
    {
        "answered" => CallOutcome.Answered,
        "abandoned" => CallOutcome.Abandoned,
        "missed" => CallOutcome.Missed,
        "voicemail" => CallOutcome.Voicemail,
        "failed" => CallOutcome.Failed,
        _ => CallOutcome.Unknown,
    };
}
