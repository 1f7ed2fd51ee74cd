using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Time;

namespace CdrFunctions.Pipeline.Normalize;

/// <summary>A raw blob read as a claimant: what it holds, its source (claim key), and the start that keys its calls without one.</summary>
public sealed record ClaimedFile(ParsedRawFile File, CallSource Source, TimeWindow? Window, DateTimeOffset FallbackStart)
{
    public CallClaim ClaimOf(CallRecord record) => new(record, record.StartUtc ?? FallbackStart, Source.Key);
}
