using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using CdrFunctions.Pipeline.Storage;
using Microsoft.Extensions.Logging;

namespace CdrFunctions.Pipeline.Normalize;

/// <summary>What resolving one call did: its owner blob before and after, the claim its rows now show, and how many rows went.</summary>
public sealed record CallRowOutcome(string CallId, string? OldOwner, string? NewOwner, CallClaim? Winner, int RowsRemoved);

/// <summary>
/// Makes each call's table rows show its best claim (<see cref="CallClaims.WinnerAsync"/>), or removes them when no
/// blob holds the call any more. The by-id row is written or deleted only with the ETag it was read with, so a
/// concurrent normalization that changed the owner in between makes this one re-read and decide again.
/// </summary>
public sealed class CallRowResolver(CdrStorage storage, CallClaims claims, ILogger<CallRowResolver> logger)
{
    private const int ResolveAttempts = 8;

    /// <summary>Column of every row: the claim key of the claim the row shows.</summary>
    public const string OwnerKeyColumn = "OwnerKey";

    /// <summary>Column of every row: the start its keys were built from (the window start when the call has none).</summary>
    public const string KeyStartColumn = "KeyStart";

    public async Task<List<CallRowOutcome>> ResolveAllAsync(string vendor, IReadOnlyList<string> callIds, CancellationToken cancellationToken)
    {
        var outcomes = new ConcurrentBag<CallRowOutcome>();
        await Parallel.ForEachAsync(
            callIds,
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (callId, ct) => outcomes.Add(await ResolveAsync(vendor, callId, ct).ConfigureAwait(false))).ConfigureAwait(false);
        return [.. outcomes];
    }

    private async Task<CallRowOutcome> ResolveAsync(string vendor, string callId, CancellationToken cancellationToken)
    {
        var (pk, rk) = TableKeys.ById(vendor, callId);
        var writer = new TableBatchWriter(storage.Calls, maxParallelism: 1);
        for (var attempt = 1; ; attempt++)
        {
            var winner = await claims.WinnerAsync(vendor, callId, cancellationToken).ConfigureAwait(false);
            var read = await storage.Calls.GetEntityIfExistsAsync<TableEntity>(pk, rk, cancellationToken: cancellationToken).ConfigureAwait(false);
            var current = read.HasValue ? read.Value : null;
            var oldOwner = current?.GetString("RawBlob");
            var oldKeys = current is null ? [] : OldKeys(current);
            try
            {
                if (winner is null)
                {
                    if (current is null)
                    {
                        return new CallRowOutcome(callId, null, null, null, 0);
                    }
                    await storage.Calls.DeleteEntityAsync(pk, rk, current.ETag, cancellationToken).ConfigureAwait(false);
                    var removed = await writer.DeleteAsync(oldKeys.Where(k => k != (pk, rk)), cancellationToken).ConfigureAwait(false);
                    return new CallRowOutcome(callId, oldOwner, null, null, removed + 1);
                }
                var entities = CallEntityMapper.ToEntities(winner.Record, winner.KeyStart).ToList();
                foreach (var e in entities)
                {
                    e[OwnerKeyColumn] = winner.ClaimKey;
                    e[KeyStartColumn] = winner.KeyStart;
                }
                var byId = entities[0];
                if (current is null)
                {
                    await storage.Calls.AddEntityAsync(byId, cancellationToken).ConfigureAwait(false);
                }
                else if (!Shows(current, winner))
                {
                    await storage.Calls.UpdateEntityAsync(byId, current.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                }
                await writer.UpsertAsync(entities.Skip(1), cancellationToken).ConfigureAwait(false);
                var newKeys = entities.Select(e => (e.PartitionKey, e.RowKey)).ToHashSet();
                var stale = await writer.DeleteAsync(oldKeys.Where(k => !newKeys.Contains(k)), cancellationToken).ConfigureAwait(false);
                return new CallRowOutcome(callId, oldOwner, winner.Record.RawBlob, winner, stale);
            }
            catch (RequestFailedException e) when (CallClaims.IsConflict(e) && attempt < ResolveAttempts)
            {
                logger.LogDebug("Call {CallId} of {Vendor} changed owner concurrently; deciding again", callId, vendor);
            }
        }
    }

    private static bool Shows(TableEntity current, CallClaim winner) =>
        current.GetString(OwnerKeyColumn) == winner.ClaimKey
        && current.GetDateTimeOffset(KeyStartColumn)?.ToUniversalTime() == winner.KeyStart
        && CallEntityMapper.FromEntity(current) == winner.Record;

    /// <summary>The keys of the rows a by-id row's record was written under.</summary>
    private static List<(string PartitionKey, string RowKey)> OldKeys(TableEntity byId)
    {
        var record = CallEntityMapper.FromEntity(byId);
        var keyStart = byId.GetDateTimeOffset(KeyStartColumn)?.ToUniversalTime() ?? record.StartUtc;
        return keyStart is { } start ? [.. CallEntityMapper.KeysFor(record, start)] : [(byId.PartitionKey, byId.RowKey)];
    }
}
