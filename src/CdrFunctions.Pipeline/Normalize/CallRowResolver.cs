using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using CdrFunctions.Pipeline.Landing;
using CdrFunctions.Pipeline.Storage;
using CdrFunctions.Pipeline.Vendors;
using Microsoft.Extensions.Logging;

namespace CdrFunctions.Pipeline.Normalize;

/// <summary>What resolving one call did: its owner blob before and after, the claim its rows now show, and how many rows went.</summary>
public sealed record CallRowOutcome(string CallId, string? OldOwner, string? NewOwner, CallClaim? Winner, int RowsRemoved);

/// <summary>
/// The normalizing blob's own claims (records in memory), and the ids its previous normalization claimed: a call
/// claimed for the first time usually has no by-id row yet.
/// </summary>
public sealed record OwnClaims(string Blob, string ClaimKey, IReadOnlyDictionary<string, CallClaim> Calls, IReadOnlySet<string> PreviouslyClaimed);

/// <summary>
/// Makes each call's table rows show its best claim (<see cref="CallClaims.ClaimantsAsync(string, IReadOnlyList{string}, CancellationToken)"/>),
/// or removes them when no blob holds the call any more. The by-id row is read before the claims and written or
/// deleted only with the ETag it was read with (an insert when there was none), so a concurrent normalization that
/// changed the claims or the owner in between makes one of the two decide again.
/// </summary>
/// <remarks>
/// <para>Calls are decided a by-id bucket at a time: their by-id rows and claims are read with a few filtered queries,
/// and the by-id writes of a bucket go as one entity-group transaction (each action still conditional on the ETag
/// read, or an insert). A transaction that meets a concurrent change fails whole; its calls are then decided one
/// by one. The other rows of every call follow as batch upserts across the whole file, as the baseline writes
/// them. A call this blob claims for the first time is not read by id: when its only claim is this blob's, an
/// insert of its by-id row is exactly the write a read finding no row would lead to, and one that finds a row
/// fails the transaction, which is then decided one by one.</para>
/// <para>A claim row holds no record. The winner's record comes from this blob's own parse when it wins, from the
/// by-id row when that row already shows the winning claim, and otherwise from the winner's raw blob, read again
/// (once per blob and resolution) when it is still the landing that made the claim. When it is not, that blob was
/// landed again and its normalization, still to come, decides the call: this one leaves the call's rows as they are.</para>
/// </remarks>
public sealed class CallRowResolver(CdrStorage storage, CallClaims claims, VendorCatalog vendors, RawFileReader reader, ILogger<CallRowResolver> logger)
{
    private const int ResolveAttempts = 8;
    private const int Parallelism = 8;

    /// <summary>A table filter takes at most 15 comparisons: the partition plus 14 row keys.</summary>
    private const int RowsPerQuery = 14;

    /// <summary>Column of every row: the claim key of the claim the row shows.</summary>
    public const string OwnerKeyColumn = "OwnerKey";

    /// <summary>Column of every row: the start its keys were built from (the window start when the call has none).</summary>
    public const string KeyStartColumn = "KeyStart";

    public async Task<List<CallRowOutcome>> ResolveAllAsync(string vendor, IReadOnlyList<string> callIds, OwnClaims own, CancellationToken cancellationToken)
    {
        var records = new WinnerRecords(own, this);
        var groups = callIds.Distinct(StringComparer.Ordinal)
            .GroupBy(TableKeys.Bucket, StringComparer.Ordinal)
            .SelectMany(g => g.Chunk(TableBatchWriter.MaxBatchEntities))
            .ToList();
        var decided = new ConcurrentBag<Plan>();
        var outcomes = new ConcurrentBag<CallRowOutcome>();
        await Parallel.ForEachAsync(
            groups,
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (ids, ct) =>
            {
                foreach (var plan in await DecideBucketAsync(vendor, ids, records, ct).ConfigureAwait(false))
                {
                    if (plan.Outcome is { } done)
                    {
                        outcomes.Add(done);
                    }
                    else
                    {
                        decided.Add(plan);
                    }
                }
            }).ConfigureAwait(false);

        // The by-id rows are written: the other rows of those calls follow, batched per partition across the file.
        var writer = new TableBatchWriter(storage.Calls, Parallelism);
        await writer.UpsertAsync(decided.SelectMany(p => p.Others), cancellationToken).ConfigureAwait(false);
        await Parallel.ForEachAsync(
            decided,
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (plan, ct) =>
            {
                var removed = plan.Stale.Count == 0 ? 0 : await new TableBatchWriter(storage.Calls, maxParallelism: 1).DeleteAsync(plan.Stale, ct).ConfigureAwait(false);
                outcomes.Add(new CallRowOutcome(plan.CallId, plan.OldOwner, plan.Winner?.Record.RawBlob, plan.Winner, removed + plan.ByIdRemoved));
            }).ConfigureAwait(false);
        return [.. outcomes];
    }

    /// <summary>
    /// What one call needs: the conditional by-id action (none when the row already shows the winner), the other
    /// rows to upsert and the stale keys to delete once that action went through; or, when nothing is to be written
    /// or it was decided one by one (after a conflict), its outcome.
    /// </summary>
    private sealed record Plan(
        string CallId, string? OldOwner, CallClaim? Winner, TableTransactionAction? ById, List<TableEntity> Others,
        List<(string PartitionKey, string RowKey)> Stale, int ByIdRemoved, CallRowOutcome? Outcome = null);

    /// <summary>Decides and writes the by-id rows of calls of one bucket; the plans say what remains to write.</summary>
    private async Task<List<Plan>> DecideBucketAsync(string vendor, IReadOnlyList<string> callIds, WinnerRecords records, CancellationToken cancellationToken)
    {
        var firstClaims = callIds.Where(id => records.Own.Calls.ContainsKey(id) && !records.Own.PreviouslyClaimed.Contains(id)).ToHashSet(StringComparer.Ordinal);
        var rows = await ReadByIdAsync(vendor, [.. callIds.Where(id => !firstClaims.Contains(id))], cancellationToken).ConfigureAwait(false);
        var claimants = await claims.ClaimantsAsync(vendor, callIds, cancellationToken).ConfigureAwait(false);

        // A first claim that meets other claims most likely has a by-id row: read it, then its claims again, in that order.
        var contested = firstClaims.Where(id => !IsOnlyClaim(claimants[id], records.Own)).ToList();
        if (contested.Count > 0)
        {
            foreach (var (id, row) in await ReadByIdAsync(vendor, contested, cancellationToken).ConfigureAwait(false))
            {
                rows[id] = row;
            }
            foreach (var (id, again) in await claims.ClaimantsAsync(vendor, contested, cancellationToken).ConfigureAwait(false))
            {
                claimants[id] = again;
            }
        }

        var plans = new List<Plan>(callIds.Count);
        foreach (var id in callIds)
        {
            var current = rows.GetValueOrDefault(id);
            plans.Add(await records.WinnerAsync(vendor, id, claimants[id], current, cancellationToken).ConfigureAwait(false) is { Known: true } winner
                ? PlanFor(vendor, id, winner.Claim, current)
                : Deferred(id, current));
        }

        var result = new List<Plan>(plans.Count);
        foreach (var batch in TableBatchWriter.Split(plans.Where(p => p.ById is not null).ToList(), p => (TableEntity)p.ById!.Entity))
        {
            try
            {
                await storage.Calls.SubmitTransactionAsync(batch.Select(p => p.ById!), cancellationToken).ConfigureAwait(false);
                result.AddRange(batch);
            }
            catch (RequestFailedException e) when (CallClaims.IsConflict(e) || e.Status == 404)
            {
                // Another normalization changed one of these rows since they were read (or a first claim met a row): none was written; decide each again.
                logger.LogDebug("A by-id row of {Vendor} changed concurrently; deciding {Count} calls one by one", vendor, batch.Count);
                foreach (var plan in batch)
                {
                    result.Add(plan with { Outcome = await ResolveAsync(vendor, plan.CallId, records, cancellationToken).ConfigureAwait(false) });
                }
            }
        }
        result.AddRange(plans.Where(p => p.ById is null));
        return result;
    }

    private static bool IsOnlyClaim(Claimants claimants, OwnClaims own) =>
        claimants.Count == 1 && claimants.Best is { } best && best.Blob == own.Blob && best.ClaimKey == own.ClaimKey;

    /// <summary>The winner's record is not to be had now: the rows stay as they are, for the winner's own normalization.</summary>
    private static Plan Deferred(string callId, TableEntity? current)
    {
        var owner = current?.GetString("RawBlob");
        return new Plan(callId, owner, null, null, [], [], 0, new CallRowOutcome(callId, owner, owner, null, 0));
    }

    private static Plan PlanFor(string vendor, string callId, CallClaim? winner, TableEntity? current)
    {
        var (pk, rk) = TableKeys.ById(vendor, callId);
        var oldOwner = current?.GetString("RawBlob");
        var oldKeys = current is null ? [] : OldKeys(current);
        if (winner is null)
        {
            return current is null
                ? new Plan(callId, null, null, null, [], [], 0, new CallRowOutcome(callId, null, null, null, 0))
                : new Plan(callId, oldOwner, null, new TableTransactionAction(TableTransactionActionType.Delete, current, current.ETag),
                    [], [.. oldKeys.Where(k => k != (pk, rk))], ByIdRemoved: 1);
        }
        var entities = Entities(winner);
        var byId = entities[0];
        TableTransactionAction? action = current is null
            ? new TableTransactionAction(TableTransactionActionType.Add, byId)
            : Shows(current, winner) ? null : new TableTransactionAction(TableTransactionActionType.UpdateReplace, byId, current.ETag);
        var newKeys = entities.Select(e => (e.PartitionKey, e.RowKey)).ToHashSet();
        return new Plan(callId, oldOwner, winner, action, entities.GetRange(1, entities.Count - 1), [.. oldKeys.Where(k => !newKeys.Contains(k))], 0);
    }

    /// <summary>The by-id rows of calls of one bucket that exist, by call id; 14 keys per query.</summary>
    private async Task<Dictionary<string, TableEntity>> ReadByIdAsync(string vendor, IReadOnlyList<string> callIds, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        foreach (var chunk in callIds.Chunk(RowsPerQuery))
        {
            var byRowKey = chunk.ToDictionary(id => TableKeys.ById(vendor, id).RowKey, id => id, StringComparer.Ordinal);
            var partition = TableKeys.ById(vendor, chunk[0]).PartitionKey;
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}")
                + " and (" + string.Join(" or ", byRowKey.Keys.Select(k => TableClient.CreateQueryFilter($"RowKey eq {k}"))) + ")";
            await foreach (var e in storage.Calls.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (byRowKey.TryGetValue(e.RowKey, out var id))
                {
                    rows[id] = e;
                }
            }
        }
        return rows;
    }

    /// <summary>One call decided on its own: read, decide, write conditionally, and again on a conflict.</summary>
    private async Task<CallRowOutcome> ResolveAsync(string vendor, string callId, WinnerRecords records, CancellationToken cancellationToken)
    {
        var (pk, rk) = TableKeys.ById(vendor, callId);
        var writer = new TableBatchWriter(storage.Calls, maxParallelism: 1);
        for (var attempt = 1; ; attempt++)
        {
            var read = await storage.Calls.GetEntityIfExistsAsync<TableEntity>(pk, rk, cancellationToken: cancellationToken).ConfigureAwait(false);
            var current = read.HasValue ? read.Value : null;
            var claimants = await claims.ClaimantsAsync(vendor, callId, cancellationToken).ConfigureAwait(false);
            var oldOwner = current?.GetString("RawBlob");
            var oldKeys = current is null ? [] : OldKeys(current);
            if (await records.WinnerAsync(vendor, callId, claimants, current, cancellationToken).ConfigureAwait(false) is not { Known: true, Claim: var winner })
            {
                return Deferred(callId, current).Outcome!;
            }
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
                var entities = Entities(winner);
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

    /// <summary>The winner's rows (by id first), each naming the claim it shows.</summary>
    private static List<TableEntity> Entities(CallClaim winner)
    {
        var entities = CallEntityMapper.ToEntities(winner.Record, winner.KeyStart).ToList();
        foreach (var e in entities)
        {
            e[OwnerKeyColumn] = winner.ClaimKey;
            e[KeyStartColumn] = winner.KeyStart;
        }
        return entities;
    }

    private static bool Shows(TableEntity current, CallClaim winner) =>
        current.GetString(OwnerKeyColumn) == winner.ClaimKey
        && current.GetDateTimeOffset(KeyStartColumn)?.ToUniversalTime() == winner.KeyStart
        && CallEntityMapper.FromEntity(current) == winner.Record;

    /// <summary>The claim a row shows, as the row has it.</summary>
    internal static CallClaim ShownClaim(TableEntity row, DateTimeOffset fallbackStart)
    {
        var record = CallEntityMapper.FromEntity(row);
        var keyStart = row.GetDateTimeOffset(KeyStartColumn)?.ToUniversalTime() ?? record.StartUtc ?? fallbackStart;
        return new CallClaim(record, keyStart, row.GetString(OwnerKeyColumn) ?? "");
    }

    /// <summary>The keys of the rows a by-id row's record was written under.</summary>
    private static List<(string PartitionKey, string RowKey)> OldKeys(TableEntity byId)
    {
        var record = CallEntityMapper.FromEntity(byId);
        var keyStart = byId.GetDateTimeOffset(KeyStartColumn)?.ToUniversalTime() ?? record.StartUtc;
        return keyStart is { } start ? [.. CallEntityMapper.KeysFor(record, start)] : [(byId.PartitionKey, byId.RowKey)];
    }

    /// <summary>Whether the winner of a call is known, and which claim it is (null: no blob holds the call).</summary>
    private readonly record struct Winner(bool Known, CallClaim? Claim);

    /// <summary>Where the records of winning claims come from during one resolution (see the class remarks).</summary>
    private sealed class WinnerRecords(OwnClaims own, CallRowResolver resolver)
    {
        private readonly ConcurrentDictionary<string, Lazy<Task<ClaimedFile?>>> _others = new(StringComparer.Ordinal);

        public OwnClaims Own => own;

        public async Task<Winner> WinnerAsync(string vendor, string callId, Claimants claimants, TableEntity? current, CancellationToken cancellationToken)
        {
            if (claimants.Best is not { } best)
            {
                return new Winner(true, null);
            }
            if (best.Blob == own.Blob && best.ClaimKey == own.ClaimKey && own.Calls.TryGetValue(callId, out var mine))
            {
                return new Winner(true, mine);
            }
            if (current is not null && current.GetString(OwnerKeyColumn) == best.ClaimKey)
            {
                return new Winner(true, ShownClaim(current, default));
            }
            if (best.Blob != own.Blob
                && await _others.GetOrAdd(best.Blob, blob => new Lazy<Task<ClaimedFile?>>(() => resolver.ReadClaimantAsync(vendor, blob, cancellationToken))).Value.ConfigureAwait(false) is { } file
                && file.Source.Key == best.ClaimKey
                && file.File.Calls.TryGetValue(callId, out var record))
            {
                return new Winner(true, file.ClaimOf(record));
            }
            return new Winner(false, null);
        }
    }

    /// <summary>Another claimant's raw blob, read as its normalization reads it; null when it is gone or not a vendor's.</summary>
    private async Task<ClaimedFile?> ReadClaimantAsync(string vendor, string blob, CancellationToken cancellationToken)
    {
        if (!RawBlobName.TryParse(blob, out var name) || name.Vendor != vendor || !vendors.TryGet(vendor, out var cdrVendor))
        {
            return null;
        }
        logger.LogDebug("Reading {Blob} again for the record of a claim it won", blob);
        return await reader.ReadBlobAsync(cdrVendor, name, cancellationToken).ConfigureAwait(false);
    }
}
