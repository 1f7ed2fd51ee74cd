using Azure.Data.Tables;
using CdrFunctions.Pipeline.Storage;

namespace CdrFunctions.Pipeline.Normalize;

/// <summary>
/// A row per running normalization of a blob in <c>CdrClaims</c> (<c>n|{blob key}</c> / run id), deleted when it
/// finishes. A normalization that finds the mark of an earlier one knows that run may have died (killed, crashed,
/// out of memory) after it moved calls from or to other blobs and before it rewrote their curated files, which
/// nothing else would then ever rewrite; so it rewrites the files of every blob that claims its calls.
/// </summary>
public sealed class NormalizationMarks(CdrStorage storage)
{
    private static string Partition(string blob) => $"n|{CallSource.BlobKey(blob)}";

    /// <summary>A normalization of one blob, and the marks of earlier ones that had not finished when it began.</summary>
    public sealed record Run(string Blob, string Id, IReadOnlyList<string> Unfinished);

    public async Task<Run> BeginAsync(string blob, CancellationToken cancellationToken)
    {
        var unfinished = new List<string>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition(blob)}");
        await foreach (var e in storage.Claims.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            unfinished.Add(e.RowKey);
        }
        var run = new Run(blob, Guid.NewGuid().ToString("N"), unfinished);
        await storage.Claims.AddEntityAsync(new TableEntity(Partition(blob), run.Id) { ["Blob"] = blob, ["Started"] = DateTimeOffset.UtcNow }, cancellationToken).ConfigureAwait(false);
        return run;
    }

    /// <summary>Removes this run's mark and those of the unfinished runs it made up for.</summary>
    public async Task EndAsync(Run run, CancellationToken cancellationToken) =>
        await new TableBatchWriter(storage.Claims).DeleteAsync([.. run.Unfinished.Append(run.Id).Select(id => (Partition(run.Blob), id))], cancellationToken).ConfigureAwait(false);
}
