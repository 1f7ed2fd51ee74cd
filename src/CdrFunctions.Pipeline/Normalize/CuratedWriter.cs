using System.Collections.Concurrent;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using CdrFunctions.Pipeline.Landing;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Storage;

namespace CdrFunctions.Pipeline.Normalize;

/// <summary>Writes a raw blob's curated CSV and Parquet files from the calls it owns, ordered by start then id.</summary>
public sealed class CuratedWriter(CdrStorage storage, CallClaims claims)
{
    public async Task WriteAsync(RawBlobName name, IReadOnlyCollection<CallClaim> owned, CancellationToken cancellationToken)
    {
        var records = owned.OrderBy(c => c.KeyStart).ThenBy(c => c.Record.CallId, StringComparer.Ordinal).Select(c => c.Record).ToList();
        await UploadAsync(name.CuratedParquetName, CuratedParquet.ContentType, s => CuratedParquet.WriteAsync(records, s, cancellationToken), cancellationToken).ConfigureAwait(false);
        await UploadAsync(name.CuratedName, "text/csv; charset=utf-8", s => CuratedCsv.WriteAsync(records, s, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Rewrites another blob's curated files from the rows it still owns (after a call moved to or from it).</summary>
    public async Task RewriteAsync(string blob, CancellationToken cancellationToken)
    {
        if (!RawBlobName.TryParse(blob, out var name))
        {
            return;
        }
        var ids = await claims.ClaimedIdsAsync(blob, cancellationToken).ConfigureAwait(false);
        var owned = new ConcurrentBag<CallClaim>();
        await Parallel.ForEachAsync(
            ids,
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (callId, ct) =>
            {
                var (pk, rk) = TableKeys.ById(name.Vendor, callId);
                var row = await storage.Calls.GetEntityIfExistsAsync<TableEntity>(pk, rk, cancellationToken: ct).ConfigureAwait(false);
                if (row.HasValue && row.Value!.GetString("RawBlob") == blob)
                {
                    var record = CallEntityMapper.FromEntity(row.Value);
                    var keyStart = row.Value.GetDateTimeOffset(CallRowResolver.KeyStartColumn)?.ToUniversalTime() ?? record.StartUtc ?? name.WindowStart;
                    owned.Add(new CallClaim(record, keyStart, row.Value.GetString(CallRowResolver.OwnerKeyColumn) ?? ""));
                }
            }).ConfigureAwait(false);
        await WriteAsync(name, [.. owned], cancellationToken).ConfigureAwait(false);
    }

    private async Task UploadAsync(string curatedName, string contentType, Func<Stream, Task> write, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await write(buffer).ConfigureAwait(false);
        buffer.Position = 0;
        await storage.Curated.GetBlobClient(curatedName).UploadAsync(buffer, new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
        }, cancellationToken).ConfigureAwait(false);
    }
}
