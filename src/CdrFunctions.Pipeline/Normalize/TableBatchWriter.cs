using System.Text;
using Azure;
using Azure.Data.Tables;

namespace CdrFunctions.Pipeline.Normalize;

/// <summary>
/// Upserts entities as entity-group transactions: one partition per transaction, at most 100 entities and
/// about 3 MiB of payload each (the service caps a batch at 4 MiB), several partitions at once.
/// </summary>
public sealed class TableBatchWriter(TableClient table, int maxParallelism = 8)
{
    internal const int MaxBatchEntities = 100;
    internal const int MaxBatchBytes = 3 * 1024 * 1024;

    public async Task<int> UpsertAsync(IEnumerable<ITableEntity> entities, CancellationToken cancellationToken)
    {
        var batches = entities
            .GroupBy(e => e.PartitionKey, StringComparer.Ordinal)
            .SelectMany(SplitPartition)
            .ToList();
        await Parallel.ForEachAsync(
            batches,
            new ParallelOptions { MaxDegreeOfParallelism = maxParallelism, CancellationToken = cancellationToken },
            async (batch, ct) => await table.SubmitTransactionAsync(batch, ct).ConfigureAwait(false)).ConfigureAwait(false);
        return batches.Count;
    }

    private static IEnumerable<List<TableTransactionAction>> SplitPartition(IEnumerable<ITableEntity> partition) =>
        Split(partition, e => e).Select(batch => batch.ConvertAll(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)));

    /// <summary>Items of one partition in transaction-sized batches: at most 100 entities and about 3 MiB each.</summary>
    internal static IEnumerable<List<T>> Split<T>(IEnumerable<T> items, Func<T, ITableEntity> entityOf)
    {
        var batch = new List<T>(MaxBatchEntities);
        var bytes = 0;
        foreach (var item in items)
        {
            var size = EstimateBytes(entityOf(item));
            if (batch.Count == MaxBatchEntities || (batch.Count > 0 && bytes + size > MaxBatchBytes))
            {
                yield return batch;
                batch = new List<T>(MaxBatchEntities);
                bytes = 0;
            }
            batch.Add(item);
            bytes += size;
        }
        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    /// <summary>JSON payload size, generously: UTF-8 worst case for strings plus per-property overhead.</summary>
    private static int EstimateBytes(ITableEntity entity)
    {
        if (entity is not IDictionary<string, object> columns)
        {
            // A typed entity would be written by reflection, which this estimate cannot see.
            throw new ArgumentException($"Batches here hold dictionary entities (TableEntity, CallRowDictionary), not {entity.GetType().Name}.", nameof(entity));
        }
        var size = 512;
        foreach (var (key, value) in columns)
        {
            size += key.Length + 64 + (value is string s ? Encoding.UTF8.GetMaxByteCount(s.Length) : 32);
        }
        return size;
    }

    /// <summary>Deletes rows one by one (a missing row would fail a whole transaction); missing rows are fine.</summary>
    public async Task<int> DeleteAsync(IEnumerable<(string PartitionKey, string RowKey)> keys, CancellationToken cancellationToken)
    {
        var deleted = 0;
        await Parallel.ForEachAsync(
            keys,
            new ParallelOptions { MaxDegreeOfParallelism = maxParallelism, CancellationToken = cancellationToken },
            async (key, ct) =>
            {
                try
                {
                    await table.DeleteEntityAsync(key.PartitionKey, key.RowKey, ETag.All, ct).ConfigureAwait(false);
                    Interlocked.Increment(ref deleted);
                }
                catch (RequestFailedException e) when (e.Status == 404)
                {
                    // Already gone: the state we want.
                }
            }).ConfigureAwait(false);
        return deleted;
    }
}
