using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Storage;

namespace CdrFunctions.Pipeline.Normalize;

/// <summary>A call as one raw blob has it: the record, the start its keys use, and the claimant.</summary>
public sealed record CallClaim(CallRecord Record, DateTimeOffset KeyStart, string ClaimKey);

/// <summary>A call a blob holds although it starts outside the blob's window, and the window blob that owns it.</summary>
public sealed record StrayCall(CallRecord Record, DateTimeOffset Start, string OwnerBlob);

/// <summary>A claim as the claims table holds it: which blob, under which claim key (<see cref="CallSource.Key"/>).</summary>
public sealed record ClaimRef(string Blob, string ClaimKey);

/// <summary>
/// The <c>CdrClaims</c> table: which raw blobs hold which calls, so every normalization can find a call's
/// owner however the blobs were normalized before. Three kinds of rows:
/// <list type="bullet">
/// <item><c>c|{vendor}|{bucket}</c> / <c>{callId}~{claim key}</c>: one blob's claim on a call (the blob and its claim
/// key; the record itself stays in the raw blob, see <see cref="CallRowResolver"/>).</item>
/// <item><c>b|{blob key}</c> / <c>m|{generation}|{n}</c> and <c>s|{callId}</c>: a blob's manifest, the ids it claimed at a
/// normalization (packed, many per row) and its strays.</item>
/// <item><c>s|{owner blob key}</c> / <c>{blob key}|{callId}</c>: strays pointing at the window that owns them.</item>
/// </list>
/// </summary>
public sealed class CallClaims(CdrStorage storage)
{
    private const string ClaimKeyColumn = "ClaimKey";
    private const string BlobColumn = "Blob";
    private const string IdsColumn = "Ids";
    private const int ClaimRangesPerQuery = 7;

    /// <summary>A string column holds at most 32K UTF-16 characters; a manifest row packs ids as a JSON array below that.</summary>
    internal const int MaxIdsChars = 30_000;

    private TableClient Table => storage.Claims;

    public static string ClaimPartition(string vendor, string callId) => $"c|{vendor}|{TableKeys.Bucket(callId)}";

    public static string ClaimRow(string callId, string claimKey) => $"{TableKeys.Escape(callId)}~{claimKey}";

    private static string IndexPartition(string blob) => $"b|{CallSource.BlobKey(blob)}";

    private static string StrayPartition(string ownerBlob) => $"s|{CallSource.BlobKey(ownerBlob)}";

    /// <summary>
    /// What a blob claimed and strayed at its last normalization: the claim keys of each claimed id (more than one
    /// only after a crashed or concurrent normalization), its strays' owners, and the manifest rows holding the claims.
    /// </summary>
    public sealed record Manifest(Dictionary<string, HashSet<string>> Claims, Dictionary<string, string> Strays, List<string> ClaimRows);

    public async Task<Manifest> ReadManifestAsync(string blob, CancellationToken cancellationToken)
    {
        var claims = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var strays = new Dictionary<string, string>(StringComparer.Ordinal);
        var rows = new List<string>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {IndexPartition(blob)}");
        await foreach (var e in Table.QueryAsync<TableEntity>(filter, select: ["RowKey", "CallId", ClaimKeyColumn, IdsColumn, "Owner"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (e.RowKey.StartsWith("s|", StringComparison.Ordinal))
            {
                strays[e.GetString("CallId") ?? ""] = e.GetString("Owner") ?? "";
                continue;
            }
            var key = e.GetString(ClaimKeyColumn) ?? "";
            if (e.RowKey.StartsWith("m|", StringComparison.Ordinal))
            {
                foreach (var id in JsonSerializer.Deserialize<string[]>(e.GetString(IdsColumn) ?? "[]") ?? [])
                {
                    AddClaim(claims, id, key);
                }
            }
            else if (e.RowKey.StartsWith("c|", StringComparison.Ordinal))
            {
                // One row per call: the manifest as written before ids were packed.
                AddClaim(claims, e.GetString("CallId") ?? "", key);
            }
            else
            {
                continue;
            }
            rows.Add(e.RowKey);
        }
        return new Manifest(claims, strays, rows);
    }

    private static void AddClaim(Dictionary<string, HashSet<string>> claims, string callId, string claimKey)
    {
        if (!claims.TryGetValue(callId, out var keys))
        {
            claims[callId] = keys = new HashSet<string>(StringComparer.Ordinal);
        }
        keys.Add(claimKey);
    }

    /// <summary>
    /// Manifest rows of one normalization: its claimed ids as JSON arrays of at most <see cref="MaxIdsChars"/>
    /// characters, under a generation of their own so that the previous generation stays until its claims are gone.
    /// </summary>
    internal static IEnumerable<TableEntity> ManifestRows(string blob, string claimKey, IEnumerable<string> callIds)
    {
        var generation = Guid.NewGuid().ToString("N");
        var n = 0;
        var ids = new List<string>();
        var chars = 2;
        foreach (var id in callIds)
        {
            var size = JsonSerializer.Serialize(id).Length + 1;
            if (ids.Count > 0 && chars + size > MaxIdsChars)
            {
                yield return Row(ids, n++);
                ids.Clear();
                chars = 2;
            }
            ids.Add(id);
            chars += size;
        }
        if (ids.Count > 0)
        {
            yield return Row(ids, n);
        }

        TableEntity Row(List<string> packed, int index) =>
            new(IndexPartition(blob), string.Create(CultureInfo.InvariantCulture, $"m|{generation}|{index:D6}"))
            {
                [ClaimKeyColumn] = claimKey,
                [IdsColumn] = JsonSerializer.Serialize(packed),
            };
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
    /// Replaces <paramref name="blob"/>'s claims and strays with the given ones. The new manifest goes first, then the
    /// claim rows, then the rows of the previous normalization that no longer apply: a crash anywhere leaves extra
    /// claims that the next normalization's manifest still lists, never missing or unlisted ones. The previous
    /// manifest's rows are returned, not deleted: the calls only they list (calls this blob dropped) are still to be
    /// resolved, and a normalization that dies before that must find them again (<see cref="ForgetAsync"/>).
    /// The claim rows are written a wave of buckets at a time, so a large window never holds all of them.
    /// </summary>
    public async Task<IReadOnlyList<(string PartitionKey, string RowKey)>> ReplaceAsync(
        string vendor, string blob, string claimKey, IReadOnlyCollection<string> callIds, IReadOnlyCollection<StrayCall> strays,
        Manifest previous, CancellationToken cancellationToken)
    {
        var writer = new TableBatchWriter(Table);
        var manifest = ManifestRows(blob, claimKey, callIds).Concat(strays.Select(s => new TableEntity(IndexPartition(blob), "s|" + TableKeys.Escape(s.Record.CallId))
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
        await writer.UpsertAsync(manifest.Concat(pointers), cancellationToken).ConfigureAwait(false);
        foreach (var wave in CallRowResolver.Waves(CallRowResolver.BucketGroups(callIds)))
        {
            var claimRows = wave.SelectMany(ids => ids).Select(callId => new TableEntity(ClaimPartition(vendor, callId), ClaimRow(callId, claimKey))
            {
                ["CallId"] = callId,
                [ClaimKeyColumn] = claimKey,
                [BlobColumn] = blob,
            });
            await writer.UpsertAsync(claimRows, cancellationToken).ConfigureAwait(false);
        }

        var current = previous.Claims.Count == 0 ? [] : callIds.ToHashSet(StringComparer.Ordinal);
        var currentStrays = strays.ToDictionary(s => s.Record.CallId, s => s.OwnerBlob, StringComparer.Ordinal);
        var stale = new List<(string PartitionKey, string RowKey)>();
        foreach (var (callId, oldKeys) in previous.Claims)
        {
            stale.AddRange(oldKeys.Where(k => k != claimKey || !current.Contains(callId)).Select(k => (ClaimPartition(vendor, callId), ClaimRow(callId, k))));
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
        return [.. previous.ClaimRows.Select(rk => (IndexPartition(blob), rk))];
    }

    /// <summary>Deletes the previous manifest rows <see cref="ReplaceAsync"/> returned, once the calls they list are resolved.</summary>
    public async Task ForgetAsync(IReadOnlyList<(string PartitionKey, string RowKey)> previousManifest, CancellationToken cancellationToken) =>
        await new TableBatchWriter(Table).DeleteAsync(previousManifest, cancellationToken).ConfigureAwait(false);

    /// <summary>The best claim on a call (see <see cref="CallSource.Key"/>), or null when no blob holds it.</summary>
    public async Task<ClaimRef?> BestClaimAsync(string vendor, string callId, CancellationToken cancellationToken) =>
        (await BestClaimsAsync(vendor, [callId], cancellationToken).ConfigureAwait(false))[callId];

    /// <summary>
    /// The best claim on each of <paramref name="callIds"/> (calls of one bucket, so of one partition), null for a
    /// call no blob holds. Seven calls per query: a table filter takes at most 15 comparisons.
    /// </summary>
    public async Task<Dictionary<string, ClaimRef?>> BestClaimsAsync(string vendor, IReadOnlyList<string> callIds, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, ClaimRef?>(StringComparer.Ordinal);
        foreach (var id in callIds)
        {
            found[id] = null;
        }
        foreach (var chunk in callIds.Chunk(ClaimRangesPerQuery))
        {
            // Rows written before claims were slimmed hold the whole record; their blob is the record's RawBlob.
            await foreach (var e in Table.QueryAsync<TableEntity>(ClaimsOf(vendor, chunk), select: ["CallId", ClaimKeyColumn, BlobColumn, "RawBlob"], cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                // A long id's hashed key may share a prefix with another id: the stored id decides.
                if (e.GetString("CallId") is not { } callId || !found.TryGetValue(callId, out var current))
                {
                    continue;
                }
                var claim = new ClaimRef(e.GetString(BlobColumn) ?? e.GetString("RawBlob") ?? "", e.GetString(ClaimKeyColumn) ?? "");
                if (current is null || string.CompareOrdinal(claim.ClaimKey, current.ClaimKey) < 0)
                {
                    found[callId] = claim;
                }
            }
        }
        return found;
    }

    /// <summary>The raw blobs that claim any of <paramref name="callIds"/> (calls of any buckets).</summary>
    public async Task<HashSet<string>> ClaimingBlobsAsync(string vendor, IEnumerable<string> callIds, CancellationToken cancellationToken)
    {
        var blobs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in callIds.Distinct(StringComparer.Ordinal).GroupBy(TableKeys.Bucket, StringComparer.Ordinal).SelectMany(g => g.Chunk(ClaimRangesPerQuery)))
        {
            await foreach (var e in Table.QueryAsync<TableEntity>(ClaimsOf(vendor, chunk), select: [BlobColumn, "RawBlob"], cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if ((e.GetString(BlobColumn) ?? e.GetString("RawBlob")) is { Length: > 0 } blob)
                {
                    blobs.Add(blob);
                }
            }
        }
        return blobs;
    }

    /// <summary>The claim rows of up to seven calls of one bucket: a table filter takes at most 15 comparisons.</summary>
    private static string ClaimsOf(string vendor, IReadOnlyList<string> callIds)
    {
        var ranges = callIds.Select(id =>
        {
            var prefix = TableKeys.Escape(id) + "~";
            return "(" + TableClient.CreateQueryFilter($"RowKey ge {prefix} and RowKey lt {prefix + "\uffff"}") + ")";
        });
        return TableClient.CreateQueryFilter($"PartitionKey eq {ClaimPartition(vendor, callIds[0])}") + " and (" + string.Join(" or ", ranges) + ")";
    }

    /// <summary>Ids of the calls <paramref name="blob"/> claims (from its manifest).</summary>
    public async Task<HashSet<string>> ClaimedIdsAsync(string blob, CancellationToken cancellationToken) =>
        [.. (await ReadManifestAsync(blob, cancellationToken).ConfigureAwait(false)).Claims.Keys];

    internal static bool IsConflict(RequestFailedException e) => e.Status is 409 or 412;
}
