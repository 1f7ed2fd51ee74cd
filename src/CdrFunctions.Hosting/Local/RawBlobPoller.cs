using System.IO.Hashing;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Pipeline.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CdrFunctions.Pipeline.Local;

/// <summary>What one scan of <c>cdr-raw</c> did.</summary>
public sealed record PollScanResult(int Seen, int Processed, int Failed, int GivenUp);

/// <summary>
/// The local stand-in for the blob trigger: scans <c>cdr-raw</c> and hands every blob whose ETag it has
/// not processed to <see cref="RawBlobProcessor"/> (the method the trigger calls), keeping a receipt per
/// blob (name, ETag) in <c>CdrReceipts</c>. Like the trigger's poison threshold, a blob version that
/// fails <see cref="LocalRunOptions.MaxNormalizeAttempts"/> times is given up on until it changes.
/// </summary>
public sealed class RawBlobPoller(CdrStorage storage, RawBlobProcessor processor, IOptions<LocalRunOptions> options, ILogger<RawBlobPoller> logger)
{
    private const string Partition = "raw";

    public async Task<PollScanResult> ScanAsync(CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var receipts = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        await foreach (var r in storage.Receipts.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            receipts[r.RowKey] = r;
        }
        var maxAttempts = options.Value.MaxNormalizeAttempts;
        int seen = 0, processed = 0, failed = 0, givenUp = 0;
        await foreach (var blob in storage.Raw.GetBlobsAsync(BlobTraits.None, BlobStates.None, null, cancellationToken).ConfigureAwait(false))
        {
            seen++;
            var key = ReceiptKey(blob.Name);
            var etag = blob.Properties.ETag?.ToString() ?? "";
            receipts.TryGetValue(key, out var receipt);
            var sameVersion = receipt?.GetString("ETag") == etag;
            var failures = sameVersion ? receipt!.GetInt32("Failures") ?? 0 : 0;
            if (sameVersion && (receipt!.GetBoolean("Done") == true || failures >= maxAttempts))
            {
                givenUp += failures >= maxAttempts ? 1 : 0;
                continue;
            }
            var entity = new TableEntity(Partition, key) { ["BlobName"] = blob.Name, ["ETag"] = etag };
            try
            {
                var result = await processor.ProcessAsync(blob.Name, cancellationToken).ConfigureAwait(false);
                entity["Done"] = true;
                entity["Records"] = result.Records;
                entity["Quarantined"] = result.Quarantined;
                processed++;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not StorageUnreachableException)
            {
                // Any failure (storage or a bug) counts against this blob only: the scan goes on with the next one.
                logger.LogWarning("Normalizing {Blob} failed (attempt {Attempt} of {Max}): {Message}", blob.Name, failures + 1, maxAttempts, e.Message);
                failed++;
                entity["Done"] = false;
                entity["Failures"] = failures + 1;
                if (failures + 1 >= maxAttempts)
                {
                    logger.LogError("Giving up on {Blob} (ETag {ETag}) after {Attempts} failed attempts; it is retried when it changes", blob.Name, etag, maxAttempts);
                }
            }
            entity["ProcessedAt"] = DateTimeOffset.UtcNow;
            await storage.Receipts.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
        if (processed > 0 || failed > 0)
        {
            logger.LogInformation("Raw blob scan: {Seen} blob(s), {Processed} normalized, {Failed} failed", seen, processed, failed);
        }
        return new PollScanResult(seen, processed, failed, givenUp);
    }

    /// <summary>Blob names may hold characters a RowKey cannot ('/', '#', '?'); a hash of the name can't.</summary>
    internal static string ReceiptKey(string blobName) =>
        Convert.ToHexStringLower(XxHash128.Hash(Encoding.UTF8.GetBytes(blobName)));
}
