using System.IO.Hashing;
using System.Text;
using CdrFunctions.Pipeline.Landing;
using CdrFunctions.Pipeline.Storage;
using CdrFunctions.Pipeline.Time;

namespace CdrFunctions.Pipeline.Normalize;

/// <summary>
/// Where a call's data came from, best first: a pulled window is the system of record, then a live lookup
/// (the vendor's single-call API, asked on demand), then a pushed report (sent once, when the call ended).
/// The order is documented in docs/exactly-once.md; powerbi/Calls.pq keeps one row per call by the same rank,
/// which it reads from the blob name (a pulled window's stem is its HHmm).
/// </summary>
public enum SourceRank
{
    Pulled = 0,
    Live = 1,
    Pushed = 2,
}

/// <summary>
/// One raw blob as a claimant of calls. <see cref="Key"/> sorts claimants of one call best first: by rank,
/// then the newest pull, then the blob name, so every normalization order picks the same owner.
/// </summary>
public sealed record CallSource(string Blob, SourceRank Rank, DateTimeOffset PulledAt)
{
    public const string LivePrefix = "live-";

    public string Key => $"{(int)Rank}|{TableKeys.InvertedTicks(PulledAt)}|{BlobKey(Blob)}";

    public static CallSource For(RawBlobName name, TimeWindow? window, DateTimeOffset pulledAt) =>
        new(name.Name, RankOf(name, window), pulledAt);

    public static SourceRank RankOf(RawBlobName name, TimeWindow? window) =>
        window is not null ? SourceRank.Pulled
        : name.Stem.StartsWith(LivePrefix, StringComparison.Ordinal) ? SourceRank.Live
        : SourceRank.Pushed;

    /// <summary>A blob name as a key part: fixed length, no characters a table key forbids.</summary>
    public static string BlobKey(string blob) => Convert.ToHexStringLower(XxHash128.Hash(Encoding.UTF8.GetBytes(blob)));
}
