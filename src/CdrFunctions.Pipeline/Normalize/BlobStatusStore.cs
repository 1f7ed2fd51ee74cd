using Azure.Data.Tables;
using CdrFunctions.Pipeline.Storage;

namespace CdrFunctions.Pipeline.Normalize;

/// <summary>The last normalization of one raw blob, as <c>/api/status</c> and <c>cdr status</c> show it.</summary>
public sealed record BlobStatus(
    string Vendor, string BlobName, string Outcome, int Records, int Quarantined, int Unconfirmed, string? Reason, DateTimeOffset At)
{
    public const string Ok = "ok";
    public const string QuarantinedOutcome = "quarantined";
    public const string Failed = "failed";
}

/// <summary>Per vendor: how many blobs were normalized, how many failed, and the latest failures.</summary>
public sealed record NormalizationSummary(int Blobs, int Failed, int QuarantinedRecords, int UnconfirmedCalls, IReadOnlyList<BlobStatus> RecentFailures);

/// <summary>
/// Each raw blob's last normalization result in the <c>CdrBlobStatus</c> table (partition = vendor, row = blob
/// key): ok, quarantined (with the count) or failed (with the reason). Written by every host's normalize path.
/// </summary>
public sealed class BlobStatusStore(CdrStorage storage, TimeProvider time)
{
    public const int RecentFailureCount = 10;

    public async Task RecordAsync(NormalizeResult result, CancellationToken cancellationToken)
    {
        var outcome = result.FileError is not null || result.Quarantined > 0 || result.Unconfirmed > 0 ? BlobStatus.QuarantinedOutcome : BlobStatus.Ok;
        await WriteAsync(result.Vendor ?? VendorOf(result.RawBlob), result.RawBlob, outcome, result.Records, result.Quarantined, result.Unconfirmed, result.FileError, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Keeps the counts of the last good run: a failure says the blob is stuck, not that its calls are gone.</summary>
    public Task RecordFailureAsync(string blobName, string reason, CancellationToken cancellationToken) =>
        WriteAsync(VendorOf(blobName), blobName, BlobStatus.Failed, null, null, null, reason, cancellationToken);

    /// <summary>Sets the count of out-of-window calls no window confirmed (re-evaluated when a neighbour is normalized).</summary>
    public async Task UpdateUnconfirmedAsync(string blobName, int unconfirmed, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var entity = new TableEntity(VendorOf(blobName), CallSource.BlobKey(blobName)) { ["BlobName"] = blobName, ["Unconfirmed"] = unconfirmed };
        await storage.BlobStatus.UpsertEntityAsync(entity, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteAsync(string vendor, string blobName, string outcome, int? records, int? quarantined, int? unconfirmed, string? reason, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var entity = new TableEntity(vendor, CallSource.BlobKey(blobName))
        {
            ["BlobName"] = blobName,
            ["Outcome"] = outcome,
            ["Reason"] = reason is null ? "" : (reason.Length <= 1000 ? reason : reason[..1000]),
            ["At"] = time.GetUtcNow(),
        };
        if (records is not null)
        {
            entity["Records"] = records;
            entity["Quarantined"] = quarantined;
            entity["Unconfirmed"] = unconfirmed;
        }
        await storage.BlobStatus.UpsertEntityAsync(entity, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
    }

    public async Task<BlobStatus?> GetAsync(string blobName, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var row = await storage.BlobStatus.GetEntityIfExistsAsync<TableEntity>(VendorOf(blobName), CallSource.BlobKey(blobName), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? FromEntity(row.Value!) : null;
    }

    public async Task<IReadOnlyDictionary<string, NormalizationSummary>> SummariesAsync(CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var byVendor = new Dictionary<string, List<BlobStatus>>(StringComparer.OrdinalIgnoreCase);
        await foreach (var e in storage.BlobStatus.QueryAsync<TableEntity>(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var s = FromEntity(e);
            if (!byVendor.TryGetValue(s.Vendor, out var list))
            {
                byVendor[s.Vendor] = list = [];
            }
            list.Add(s);
        }
        return byVendor.ToDictionary(
            kv => kv.Key,
            kv => new NormalizationSummary(
                kv.Value.Count,
                kv.Value.Count(s => s.Outcome == BlobStatus.Failed),
                kv.Value.Sum(s => s.Quarantined),
                kv.Value.Sum(s => s.Unconfirmed),
                [.. kv.Value.Where(s => s.Outcome == BlobStatus.Failed).OrderByDescending(s => s.At).Take(RecentFailureCount)]),
            StringComparer.OrdinalIgnoreCase);
    }

    private static BlobStatus FromEntity(TableEntity e) => new(
        e.PartitionKey,
        e.GetString("BlobName") ?? "",
        e.GetString("Outcome") ?? BlobStatus.Ok,
        e.GetInt32("Records") ?? 0,
        e.GetInt32("Quarantined") ?? 0,
        e.GetInt32("Unconfirmed") ?? 0,
        string.IsNullOrEmpty(e.GetString("Reason")) ? null : e.GetString("Reason"),
        e.GetDateTimeOffset("At")?.ToUniversalTime() ?? default);

    private static string VendorOf(string blobName)
    {
        var slash = blobName.IndexOf('/', StringComparison.Ordinal);
        var vendor = slash > 0 ? blobName[..slash] : "unknown";
        return TableKeys.Escape(vendor);
    }
}
