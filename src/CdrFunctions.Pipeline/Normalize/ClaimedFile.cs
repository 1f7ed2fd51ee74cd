using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Time;

namespace CdrFunctions.Pipeline.Normalize;

/// <summary>A raw blob read as a claimant: what it holds, its source (claim key), and the start that keys its calls without one.</summary>
public sealed record ClaimedFile(ParsedRawFile File, CallSource Source, TimeWindow? Window, DateTimeOffset FallbackStart) : IDisposable
{
    public CallClaim ClaimOf(CallRecord record) => new(record, record.StartUtc ?? FallbackStart, Source.Key);

    /// <summary>The claims of those of <paramref name="callIds"/> the file holds, by id (spilled records read back).</summary>
    public Dictionary<string, CallClaim> ClaimsOf(IEnumerable<string> callIds) => File.Calls.GetMany(callIds, ClaimOf);

    public void Dispose() => File.Dispose();
}
