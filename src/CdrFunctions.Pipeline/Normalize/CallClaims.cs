using Azure;
using Azure.Data.Tables;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Storage;

namespace CdrFunctions.Pipeline.Normalize;

/// <summary>A call as one raw blob has it: the record, the start its keys use, and the claimant.</summary>
public sealed record CallClaim(CallRecord Record, DateTimeOffset KeyStart, string ClaimKey);

/// <summary>A call a blob holds although it starts outside the blob's window, and the window blob that owns it.</summary>
public sealed record StrayCall(CallRecord Record, DateTimeOffset Start, string OwnerBlob);

/// <summary>
/// The <c>CdrClaims</c> table: which raw blobs hold which calls, so every normalization can find a call's
/// owner however the blobs were normalized before. Three kinds of rows:
/// <list type="bullet">
/// <item><c>c|{vendor}|{bucket}</c> / <c>{callId}~{claim key}</c>: the call as one blob has it (whole record).</item>
/// <item><c>b|{blob key}</c> / <c>c|{callId}</c> and <c>s|{callId}</c>: a blob's claims and strays (its manifest).</item>
/// <item><c>s|{owner blob key}</c> / <c>{blob key}|{callId}</c>: strays pointing at the window that owns them.</item>
/// </list>
/// </summary>
public sealed class CallClaims(CdrStorage storage)
{
    private const string ClaimKeyColumn = "ClaimKey";
    private const string KeyStartColumn = "KeyStart";
    private const int ClaimRangesPerQuery = 7;

    private TableClient Table => storage.Claims;

    public static string ClaimPartition(string vendor, string callId) => $"c|{vendor}|{TableKeys.Bucket(callId)}";

    public static string ClaimRow(string callId, string claimKey) => $"{TableKeys.Escape(callId)}~{claimKey}";

    private static string IndexPartition(string blob) => $"b|{CallSource.BlobKey(blob)}";

    private static string StrayPartition(string ownerBlob) => $"s|{CallSource.BlobKey(ownerBlob)}";

    /// <summary>What a blob claimed and strayed at its last normalization.</summary>
    public sealed record Manifest(Dictionary<string, string> Claims, Dictionary<string, string> Strays);

    public async Task<Manifest> ReadManifestAsync(string blob, CancellationToken cancellationToken)
    {
        var claims = new Dictionary<string, string>(StringComparer.Ordinal);
        var strays = new Dictionary<string, string>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {IndexPartition(blob)}");
        await foreach (var e in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var callId = e.GetString("CallId") ?? "";
            if (e.RowKey.StartsWith("c|", StringComparison.Ordinal))
            {
                claims[callId] = e.GetString(ClaimKeyColumn) ?? "";
            }
            else
            {
                strays[callId] = e.GetString("Owner") ?? "";
            }
        }
        return new Manifest(claims, strays);
    }

    /// <summary>Stray entries of <paramref name="blob"/> with the records they hold, for its outside-window report.</summary>
    public async Task<List<(string CallId, string Owner, DateTimeOffset Start, string? Raw)>> ReadStraysAsync(string blob, CancellationToken cancellationToken)
    {
        var list = new List<(string, string, DateTimeOffset, string?)>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {IndexPartition(blob)} and RowKey ge {"s|"} and RowKey lt {"s}"}");
        await foreach (var e in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            list.Add((e.GetString("CallId") ?? "", e.GetString("Owner") ?? "", e.GetDateTimeOffset("Start") ?? default, e.GetString("Raw")));
        }
        return list;
    }

    /// <summary>Blobs with strays whose owning window is <paramref name="ownerBlob"/>.</summary>
    public async Task<HashSet<string>> BlobsPointingAtAsync(string ownerBlob, CancellationToken cancellationToken)
    {
        var blobs = new HashSet<string>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {StrayPartition(ownerBlob)}");
        await foreach (var e in Table.QueryAsync<TableEntity>(filter, select: ["Blob"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            blobs.Add(e.GetString("Blob") ?? "");
        }
        return blobs;
    }

    /// <summary>
    /// Replaces <paramref name="blob"/>'s claims and strays with the given ones: new rows first, then the rows of
    /// the previous normalization that no longer apply, so a crash in between leaves extra claims, never missing ones.
    /// </summary>
    public async Task ReplaceAsync(
        string vendor, string blob, string claimKey, IReadOnlyCollection<CallClaim> claims, IReadOnlyCollection<StrayCall> strays,
        Manifest previous, CancellationToken cancellationToken)
    {
        var writer = new TableBatchWriter(Table);
        var claimRows = claims.Select(c =>
        {
            var e = CallEntityMapper.ToEntity(c.Record, ClaimPartition(vendor, c.Record.CallId), ClaimRow(c.Record.CallId, claimKey));
            e[ClaimKeyColumn] = claimKey;
            e[KeyStartColumn] = c.KeyStart;
            return e;
        });
        var indexRows = claims.Select(c => new TableEntity(IndexPartition(blob), "c|" + TableKeys.Escape(c.Record.CallId))
        {
            ["CallId"] = c.Record.CallId,
            [ClaimKeyColumn] = claimKey,
        }).Concat(strays.Select(s => new TableEntity(IndexPartition(blob), "s|" + TableKeys.Escape(s.Record.CallId))
        {
            ["CallId"] = s.Record.CallId,
            ["Owner"] = s.OwnerBlob,
            ["Start"] = s.Start,
            ["Raw"] = Quarantined.Cap(CallJson.Serialize(s.Record)),
        }));
        var pointers = strays.Select(s => new TableEntity(StrayPartition(s.OwnerBlob), $"{CallSource.BlobKey(blob)}|{TableKeys.Escape(s.Record.CallId)}")
        {
            ["Blob"] = blob,
            ["CallId"] = s.Record.CallId,
        });
        await writer.UpsertAsync(claimRows.Concat(indexRows).Concat(pointers), cancellationToken).ConfigureAwait(false);

        var current = claims.Select(c => c.Record.CallId).ToHashSet(StringComparer.Ordinal);
        var currentStrays = strays.ToDictionary(s => s.Record.CallId, s => s.OwnerBlob, StringComparer.Ordinal);
        var stale = new List<(string PartitionKey, string RowKey)>();
        foreach (var (callId, oldKey) in previous.Claims)
        {
            if (oldKey != claimKey || !current.Contains(callId))
            {
                stale.Add((ClaimPartition(vendor, callId), ClaimRow(callId, oldKey)));
            }
            if (!current.Contains(callId))
            {
                stale.Add((IndexPartition(blob), "c|" + TableKeys.Escape(callId)));
            }
        }
        foreach (var (callId, owner) in previous.Strays)
        {
            if (!currentStrays.TryGetValue(callId, out var newOwner) || newOwner != owner)
            {
                stale.Add((StrayPartition(owner), $"{CallSource.BlobKey(blob)}|{TableKeys.Escape(callId)}"));
            }
            if (!currentStrays.ContainsKey(callId))
            {
                stale.Add((IndexPartition(blob), "s|" + TableKeys.Escape(callId)));
            }
        }
        await writer.DeleteAsync(stale, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The best claim on a call (see <see cref="CallSource.Key"/>), or null when no blob holds it.</summary>
    public async Task<CallClaim?> WinnerAsync(string vendor, string callId, CancellationToken cancellationToken) =>
        (await WinnersAsync(vendor, [callId], cancellationToken).ConfigureAwait(false))[callId];

    /// <summary>
    /// The best claim on each of <paramref name="callIds"/> (calls of one bucket, so of one partition), null for a
    /// call no blob holds. Seven calls per query: a table filter takes at most 15 comparisons.
    /// </summary>
    public async Task<Dictionary<string, CallClaim?>> WinnersAsync(string vendor, IReadOnlyList<string> callIds, CancellationToken cancellationToken)
    {
        var best = new Dictionary<string, CallClaim?>(StringComparer.Ordinal);
        foreach (var id in callIds)
        {
            best[id] = null;
        }
        foreach (var chunk in callIds.Chunk(ClaimRangesPerQuery))
        {
            var ranges = chunk.Select(id =>
            {
                var prefix = TableKeys.Escape(id) + "~";
                return "(" + TableClient.CreateQueryFilter($"RowKey ge {prefix} and RowKey lt {prefix + "\uffff"}") + ")";
            });
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {ClaimPartition(vendor, chunk[0])}") + " and (" + string.Join(" or ", ranges) + ")";
            await foreach (var e in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                // A long id's hashed key may share a prefix with another id: the stored id decides.
                if (e.GetString("CallId") is not { } callId || !best.TryGetValue(callId, out var current))
                {
                    continue;
                }
                var key = e.GetString(ClaimKeyColumn) ?? "";
                if (current is null || string.CompareOrdinal(key, current.ClaimKey) < 0)
                {
                    var start = e.GetDateTimeOffset(KeyStartColumn)?.ToUniversalTime() ?? default;
                    best[callId] = new CallClaim(CallEntityMapper.FromEntity(e), start, key);
                }
            }
        }
        return best;
    }

    /// <summary>Ids of the calls <paramref name="blob"/> claims (from its manifest).</summary>
    public async Task<HashSet<string>> ClaimedIdsAsync(string blob, CancellationToken cancellationToken) =>
        (await ReadManifestAsync(blob, cancellationToken).ConfigureAwait(false)).Claims.Keys.ToHashSet(StringComparer.Ordinal);

    internal static bool IsConflict(RequestFailedException e) => e.Status is 409 or 412;
}
