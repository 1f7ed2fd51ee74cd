using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Time;

namespace CdrFunctions.Pipeline.Normalize;

/// <summary>A raw blob read as a claimant: what it holds, its source (claim key), and the start that keys its calls without one.</summary>
public sealed record ClaimedFile(ParsedRawFile File, CallSource Source, TimeWindow? Window, DateTimeOffset FallbackStart) : IDisposable
{
    public CallClaim ClaimOf(CallRecord record) => new(record, record.StartUtc ?? FallbackStart, Source.Key);

    /// <summary>The claims of those of <paramref name="callIds"/> the file holds, by id (spilled records read back).</summary>
    public Dictionary<string, CallClaim> ClaimsOf(IEnumerable<string> callIds)
    {
        var ids = callIds as IReadOnlyList<string> ?? [.. callIds];
        var records = File.Calls.GetEach(ids);
        var claims = new Dictionary<string, CallClaim>(ids.Count, StringComparer.Ordinal);
        for (var i = 0; i < ids.Count; i++)
        {
            if (records[i] is { } record)
            {
                claims[ids[i]] = ClaimOf(record);
            }
        }
        return claims;
    }

    public void Dispose() => File.Dispose();
}
