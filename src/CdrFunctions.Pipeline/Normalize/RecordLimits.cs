using CdrFunctions.Pipeline.Model;

namespace CdrFunctions.Pipeline.Normalize;

/// <summary>
/// Table storage caps a string property at 64 KiB (32K UTF-16 chars) and an entity at 1 MiB. A record
/// that cannot be stored whole goes to quarantine with the reason instead of failing its batch.
/// </summary>
public static class RecordLimits
{
    public const int MaxIdChars = 256;
    public const int MaxFieldChars = 2048;
    public const int MaxExtrasChars = 30_000;

    public static string? Violation(CallRecord r)
    {
        if (string.IsNullOrWhiteSpace(r.CallId))
        {
            return "the call id is empty";
        }
        if (r.CallId.Length > MaxIdChars)
        {
            return $"the call id is {r.CallId.Length:N0} characters long, over the {MaxIdChars} limit";
        }
        return Field("fromNumber", r.FromNumber) ?? Field("toNumber", r.ToNumber) ?? Field("agentId", r.AgentId)
            ?? Field("agentName", r.AgentName) ?? Field("queue", r.Queue) ?? Field("recordingUrl", r.RecordingUrl)
            ?? ExtrasTooLong(r.Extras);
    }

    /// <summary>UTF-8 is never shorter than its UTF-16 count, so only long extras are counted.</summary>
    private static string? ExtrasTooLong(CallExtras extras) =>
        extras.Utf8.Length > MaxExtrasChars && extras.JsonLength is var chars and > MaxExtrasChars
            ? $"the vendor fields kept in extras are {chars:N0} characters long, over the {MaxExtrasChars:N0} limit of a table column"
            : null;

    private static string? Field(string name, string? value) =>
        value is { Length: > MaxFieldChars } ? $"field '{name}' is {value.Length:N0} characters long, over the {MaxFieldChars:N0} limit" : null;
}
