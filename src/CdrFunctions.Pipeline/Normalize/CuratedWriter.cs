using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using CdrFunctions.Pipeline.Landing;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Storage;
using Microsoft.Extensions.Options;

namespace CdrFunctions.Pipeline.Normalize;

/// <summary>
/// Writes a raw blob's curated CSV and Parquet files from the calls it owns, ordered by start then id. Every
/// upload is checked against the blob's <see cref="CuratedVersions"/>: when a concurrent normalization changed the
/// blob's owners after the snapshot the files were written from, they are written again from the table.
/// A file of more calls than <see cref="NormalizeOptions.RecordsInMemory"/> is staged in a temporary file, its
/// records read back a chunk at a time, rather than built in memory.
/// </summary>
public sealed class CuratedWriter(CdrStorage storage, CallClaims claims, CuratedVersions versions, IOptions<NormalizeOptions> options)
{
    /// <summary>Enough for any real contention; past it the normalization fails and is retried as a whole.</summary>
    private const int RewriteAttempts = 8;

    /// <summary>
    /// Writes the files of the blob a normalization just resolved: <paramref name="owned"/> is its snapshot, taken
    /// after it read <paramref name="seen"/>. The version is moved on (so concurrent writers of these files from an
    /// older snapshot write again), and the files are rewritten from the table if someone else moved it too.
    /// </summary>
    public async Task WriteOwnAsync(RawBlobName name, CuratedCalls owned, ETag? seen, CancellationToken cancellationToken)
    {
        var mine = await versions.TryTouchAsync(name.Name, seen, cancellationToken).ConfigureAwait(false);
        if (mine is not null)
        {
            await WriteAsync(name, owned, cancellationToken).ConfigureAwait(false);
            if (await versions.ReadAsync(name.Name, cancellationToken).ConfigureAwait(false) == mine)
            {
                return;
            }
        }
        await RewriteFromTableAsync(name.Name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Rewrites another blob's curated files from the rows it owns, after this normalization moved a call to or
    /// from it; again while a concurrent normalization changes its owners during the rewrite.
    /// </summary>
    public async Task RewriteAsync(string blob, CancellationToken cancellationToken)
    {
        await versions.TouchAsync(blob, cancellationToken).ConfigureAwait(false);
        await RewriteFromTableAsync(blob, cancellationToken).ConfigureAwait(false);
    }

    private async Task RewriteFromTableAsync(string blob, CancellationToken cancellationToken)
    {
        if (!RawBlobName.TryParse(blob, out var name))
        {
            return;
        }
        for (var attempt = 1; ; attempt++)
        {
            var before = await versions.ReadAsync(blob, cancellationToken).ConfigureAwait(false);
            await WriteAsync(name, CuratedCalls.Of(await OwnedRowsAsync(name, cancellationToken).ConfigureAwait(false)), cancellationToken).ConfigureAwait(false);
            if (await versions.ReadAsync(blob, cancellationToken).ConfigureAwait(false) == before)
            {
                return;
            }
            if (attempt == RewriteAttempts)
            {
                throw new InvalidOperationException($"The owners of {blob}'s calls kept changing while its curated files were written ({attempt} attempts); normalize it again.");
            }
        }
    }

    /// <summary>The calls whose by-id row names <paramref name="name"/> as the owner (among those it claims).</summary>
    private async Task<List<CallClaim>> OwnedRowsAsync(RawBlobName name, CancellationToken cancellationToken)
    {
        var blob = name.Name;
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
                    owned.Add(CallRowResolver.ShownClaim(row.Value, name.WindowStart));
                }
            }).ConfigureAwait(false);
        return [.. owned];
    }

    private async Task WriteAsync(RawBlobName name, CuratedCalls owned, CancellationToken cancellationToken)
    {
        var staged = owned.Count > options.Value.RecordsInMemory;
        await UploadAsync(name.CuratedParquetName, CuratedParquet.ContentType, staged, s => CuratedParquet.WriteAsync(owned.Records(), s, cancellationToken), cancellationToken).ConfigureAwait(false);
        await UploadAsync(name.CuratedName, "text/csv; charset=utf-8", staged, s => CuratedCsv.WriteAsync(owned.Records(), s, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private async Task UploadAsync(string curatedName, string contentType, bool staged, Func<Stream, Task> write, CancellationToken cancellationToken)
    {
        await using var buffer = staged ? StagingFile() : (Stream)new MemoryStream();
        await write(buffer).ConfigureAwait(false);
        buffer.Position = 0;
        await storage.Curated.GetBlobClient(curatedName).UploadAsync(buffer, new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A temporary file that is deleted when it is closed (and is all a process that dies leaves behind).</summary>
    private FileStream StagingFile()
    {
        var folder = options.Value.TempFolder;
        Directory.CreateDirectory(folder);
        return new FileStream(Path.Combine(folder, $"cdr-curated-{Guid.NewGuid():N}.tmp"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
    }
}
