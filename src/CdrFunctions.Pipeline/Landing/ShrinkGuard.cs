using System.Globalization;
using Azure.Data.Tables;
using CdrFunctions.Pipeline.Storage;

namespace CdrFunctions.Pipeline.Landing;

/// <summary>
/// A re-pull that would drop more than <c>MaxShrinkShare</c> of a window's calls (an empty or cut-short vendor
/// answer) is not committed over the landed blob: it is remembered here (partition <c>shrink</c> of
/// <c>CdrCheckpoints</c>) and committed only when a later run gets the same smaller answer (same hash) again.
/// </summary>
public sealed class ShrinkGuard(CdrStorage storage, TimeProvider time)
{
    private const string Partition = "shrink";

    /// <summary>True when going from <paramref name="landed"/> to <paramref name="pulled"/> records drops more than <paramref name="maxShare"/>.</summary>
    public static bool IsShrink(long landed, long pulled, double maxShare) =>
        landed > 0 && pulled < landed && (landed - pulled) > maxShare * landed;

    /// <summary>
    /// Records the smaller answer; true when the previous run got exactly the same one (so it is confirmed and
    /// may be committed), false when it is new and must wait for the next run.
    /// </summary>
    public async Task<bool> ConfirmAsync(string vendor, string blobName, string sha256, long pulled, long landed, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var key = Normalize.CallSource.BlobKey(blobName);
        var existing = await storage.Checkpoints.GetEntityIfExistsAsync<TableEntity>(Partition, key, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (existing.HasValue && existing.Value!.GetString("Sha256") == sha256)
        {
            return true;
        }
        await storage.Checkpoints.UpsertEntityAsync(new TableEntity(Partition, key)
        {
            ["Vendor"] = vendor,
            ["BlobName"] = blobName,
            ["Sha256"] = sha256,
            ["Pulled"] = pulled,
            ["Landed"] = landed,
            ["SeenAt"] = time.GetUtcNow(),
        }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        return false;
    }

    /// <summary>Forgets a held-back answer once the window was committed (confirmed, or the vendor answered in full again).</summary>
    public async Task ClearAsync(string blobName, CancellationToken cancellationToken)
    {
        // A missing row is fine (DeleteEntity ignores 404 unless an ETag is given).
        await storage.Checkpoints.DeleteEntityAsync(Partition, Normalize.CallSource.BlobKey(blobName), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Held-back windows per vendor, as "blob: landed → pulled records (seen at)".</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> PendingAsync(CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var byVendor = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition}");
        await foreach (var e in storage.Checkpoints.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var vendor = e.GetString("Vendor") ?? "";
            if (!byVendor.TryGetValue(vendor, out var list))
            {
                byVendor[vendor] = list = [];
            }
            list.Add(string.Create(CultureInfo.InvariantCulture,
                $"{e.GetString("BlobName")}: {e.GetInt64("Landed")} landed, a re-pull returned {e.GetInt64("Pulled")} (held back since {e.GetDateTimeOffset("SeenAt"):O})"));
        }
        return byVendor.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value, StringComparer.OrdinalIgnoreCase);
    }
}
