using Azure;
using Azure.Data.Tables;
using CdrFunctions.Pipeline.Storage;

namespace CdrFunctions.Pipeline.Pull;

/// <summary>A vendor's checkpoint row, read with its ETag so every change is conditional.</summary>
public sealed record Checkpoint(
    string Vendor,
    DateTimeOffset Watermark,
    string? LeaseOwner,
    DateTimeOffset? LeaseUntil,
    DateTimeOffset? LastRunAt,
    string? LastRunSummary,
    string? LastError,
    ETag ETag)
{
    /// <summary>False for a row only a backfill created (to hold the run lease): no scheduled run has started yet.</summary>
    public bool HasWatermark { get; init; } = true;

    public bool IsLeasedByOther(string owner, DateTimeOffset now) =>
        LeaseOwner is { Length: > 0 } && LeaseOwner != owner && LeaseUntil > now;
}

/// <summary>
/// Per-vendor checkpoints in the <c>CdrCheckpoints</c> table: the end of the last landed window plus a
/// run lease. Every write is an ETag-conditional update, so two runs can never both advance the same
/// checkpoint or both hold the lease; the loser learns it from a 412 and stops.
/// </summary>
public sealed class CheckpointStore(CdrStorage storage)
{
    private const string Partition = "checkpoint";

    public async Task<Checkpoint?> GetAsync(string vendor, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var response = await storage.Checkpoints.GetEntityIfExistsAsync<TableEntity>(Partition, vendor, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? FromEntity(response.Value!) : null;
    }

    public async Task<IReadOnlyList<Checkpoint>> ListAsync(CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<Checkpoint>();
        await foreach (var e in storage.Checkpoints.QueryAsync<TableEntity>(x => x.PartitionKey == Partition, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            list.Add(FromEntity(e));
        }
        return list;
    }

    /// <summary>Creates the checkpoint if it does not exist yet; returns the stored one either way.</summary>
    public async Task<Checkpoint> GetOrCreateAsync(string vendor, DateTimeOffset initialWatermark, CancellationToken cancellationToken)
    {
        var existing = await GetAsync(vendor, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            // A row a backfill created for its lease: the first scheduled run starts where it would without it.
            return existing.HasWatermark ? existing : existing with { Watermark = initialWatermark, HasWatermark = true };
        }
        try
        {
            var entity = new TableEntity(Partition, vendor) { ["Watermark"] = initialWatermark };
            await storage.Checkpoints.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Another run created it first; theirs is as good as ours.
        }
        return (await GetAsync(vendor, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>
    /// The vendor's row for holding the run lease, created without a watermark when missing, so a backfill takes
    /// the same lease as scheduled runs without choosing where the first scheduled run starts.
    /// </summary>
    public async Task<Checkpoint> GetOrCreateLeaseRowAsync(string vendor, CancellationToken cancellationToken)
    {
        if (await GetAsync(vendor, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return existing;
        }
        try
        {
            await storage.Checkpoints.AddEntityAsync(new TableEntity(Partition, vendor), cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Another run created it first.
        }
        return (await GetAsync(vendor, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Writes <paramref name="updated"/> only if the row still has <paramref name="updated"/>'s ETag; null when someone else changed it.</summary>
    public async Task<Checkpoint?> TryReplaceAsync(Checkpoint updated, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(Partition, updated.Vendor)
        {
            ["LeaseOwner"] = updated.LeaseOwner ?? "",
            ["LeaseUntil"] = updated.LeaseUntil,
            ["LastRunAt"] = updated.LastRunAt,
            ["LastRunSummary"] = updated.LastRunSummary,
            ["LastError"] = updated.LastError,
        };
        if (updated.HasWatermark)
        {
            entity["Watermark"] = updated.Watermark;
        }
        try
        {
            var response = await storage.Checkpoints.UpdateEntityAsync(entity, updated.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return updated with { ETag = response.Headers.ETag ?? default };
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return null;
        }
    }

    /// <summary>Sets the watermark unconditionally (operator action: backfill or replay from a date).</summary>
    public async Task SetWatermarkAsync(string vendor, DateTimeOffset watermark, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var entity = new TableEntity(Partition, vendor) { ["Watermark"] = watermark };
        await storage.Checkpoints.UpsertEntityAsync(entity, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
    }

    private static Checkpoint FromEntity(TableEntity e)
    {
        var owner = e.GetString("LeaseOwner");
        var watermark = e.GetDateTimeOffset("Watermark")?.ToUniversalTime();
        return new Checkpoint(
            e.RowKey,
            watermark ?? DateTimeOffset.UnixEpoch,
            string.IsNullOrEmpty(owner) ? null : owner,
            e.GetDateTimeOffset("LeaseUntil")?.ToUniversalTime(),
            e.GetDateTimeOffset("LastRunAt")?.ToUniversalTime(),
            e.GetString("LastRunSummary"),
            e.GetString("LastError"),
            e.ETag)
        {
            HasWatermark = watermark is not null,
        };
    }
}
