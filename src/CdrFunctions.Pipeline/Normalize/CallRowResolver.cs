using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
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
/// The normalizing blob's own claims (its parsed file: records in memory or spilled, read back a wave at a time),
/// and the ids its previous normalization claimed: a call claimed for the first time usually has no by-id row yet.
/// </summary>
public sealed record OwnClaims(string Blob, string ClaimKey, ClaimedFile File, IReadOnlySet<string> PreviouslyClaimed);

/// <summary>
/// Makes each call's table rows show its best claim (<see cref="CallClaims.BestClaimsAsync(string, IReadOnlyList{string}, CancellationToken)"/>),
/// or removes them when no blob holds the call any more. The by-id row is read before the claims and written or
/// deleted only with the ETag it was read with (an insert when there was none), so a concurrent normalization that
/// changed the claims or the owner in between makes one of the two decide again.
/// </summary>
/// <remarks>
/// <para>Calls are decided a by-id bucket at a time: their by-id rows and claims are read with a few filtered queries,
/// and the by-id writes of a bucket go as one entity-group transaction (each action still conditional on the ETag
/// read, or an insert). A transaction that meets a concurrent change fails whole; its calls are then read and
/// decided again, and one by one if that fails too. The other rows of every call follow as batch upserts across the whole file, as the baseline writes
/// them.</para>
/// <para>A call the blob claims for the first time is neither read by id nor looked up in the claims: its by-id row is
/// inserted. The insert fails when a row exists, as it does once any normalization has decided the call (a call
/// with a claim has a by-id row unless its claimant's normalization is still to finish); the transaction is then
/// read and decided again. A normalization deciding the call at the same moment reads the by-id row before the
/// claims, so it either sees this insert and then this claim, or its own conditional write fails on the insert and
/// it decides again: one of the two always decides with both claims. A claimant whose normalization has not run
/// yet (its blob just landed, or the run crashed and is retried) is not seen; that normalization decides the call
/// when it runs, as it decides every call its blob holds or held.</para>
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

    /// <summary>
    /// Calls decided and written together: their plans, every row they write, and the blob's own records of them are
    /// held until the wave is written, so a large window holds one wave, not the whole window. A wave of buckets keeps
    /// the batches full.
    /// </summary>
    internal const int CallsPerWave = 6_400;

    /// <summary>Decides every call, a wave at a time; each wave's outcomes are yielded once it is written.</summary>
    public async IAsyncEnumerable<CallRowOutcome> ResolveAllAsync(
        string vendor, IReadOnlyList<string> callIds, OwnClaims own, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var records = new WinnerRecords(own, this);
        foreach (var wave in Waves(BucketGroups(callIds.Distinct(StringComparer.Ordinal))))
        {
            records.LoadWave(wave.SelectMany(ids => ids));
            var outcomes = new ConcurrentBag<CallRowOutcome>();
            await ResolveWaveAsync(vendor, wave, records, outcomes, cancellationToken).ConfigureAwait(false);
            foreach (var outcome in outcomes)
            {
                yield return outcome;
            }
        }
    }

    /// <summary>Distinct call ids by by-id bucket, in groups of at most a transaction's size (what <see cref="Waves"/> takes).</summary>
    internal static List<string[]> BucketGroups(IEnumerable<string> callIds) =>
        [.. callIds.GroupBy(TableKeys.Bucket, StringComparer.Ordinal).SelectMany(g => g.Chunk(TableBatchWriter.MaxBatchEntities))];

    internal static IEnumerable<List<string[]>> Waves(IReadOnlyList<string[]> groups)
    {
        var wave = new List<string[]>();
        var calls = 0;
        foreach (var group in groups)
        {
            if (calls > 0 && calls + group.Length > CallsPerWave)
            {
                yield return wave;
                wave = [];
                calls = 0;
            }
            wave.Add(group);
            calls += group.Length;
        }
        if (wave.Count > 0)
        {
            yield return wave;
        }
    }

    private async Task ResolveWaveAsync(string vendor, List<string[]> groups, WinnerRecords records, ConcurrentBag<CallRowOutcome> outcomes, CancellationToken cancellationToken)
    {
        var decided = new ConcurrentBag<Plan>();
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

        // The by-id rows are written: the other rows of those calls follow, batched per partition across the wave.
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
    }

    /// <summary>
    /// What one call needs: the conditional by-id action (none when the row already shows the winner), the other
    /// rows to upsert and the stale keys to delete once that action went through; or, when nothing is to be written
    /// or it was decided one by one (after a conflict), its outcome.
    /// </summary>
    private sealed record Plan(
        string CallId, string? OldOwner, CallClaim? Winner, TableTransactionAction? ById, List<CallRowDictionary> Others,
        List<(string PartitionKey, string RowKey)> Stale, int ByIdRemoved, CallRowOutcome? Outcome = null);

    /// <summary>Decides and writes the by-id rows of calls of one bucket; the plans say what remains to write.</summary>
    private async Task<List<Plan>> DecideBucketAsync(string vendor, IReadOnlyList<string> callIds, WinnerRecords records, CancellationToken cancellationToken)
    {
        var plans = callIds.Where(records.IsFirstClaim).Select(id => PlanFor(vendor, id, records.Mine(id), current: null)).ToList();
        plans.AddRange(await PlanAsync(vendor, [.. callIds.Where(id => !records.IsFirstClaim(id))], records, cancellationToken).ConfigureAwait(false));
        var result = new List<Plan>(plans.Count);
        await WriteByIdAsync(vendor, plans, records, decideAgain: true, result, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>Reads the by-id rows, then the claims, of calls of one bucket, and plans each call.</summary>
    private async Task<List<Plan>> PlanAsync(string vendor, IReadOnlyList<string> callIds, WinnerRecords records, CancellationToken cancellationToken)
    {
        var plans = new List<Plan>(callIds.Count);
        if (callIds.Count == 0)
        {
            return plans;
        }
        var rows = await ReadByIdAsync(vendor, callIds, cancellationToken).ConfigureAwait(false);
        var best = await claims.BestClaimsAsync(vendor, callIds, cancellationToken).ConfigureAwait(false);
        foreach (var id in callIds)
        {
            var current = rows.GetValueOrDefault(id);
            plans.Add(await records.WinnerAsync(vendor, id, best[id], current, cancellationToken).ConfigureAwait(false) is { Known: true } winner
                ? PlanFor(vendor, id, winner.Claim, current)
                : Deferred(id, current));
        }
        return plans;
    }

    /// <summary>
    /// Writes the by-id actions of the plans a transaction at a time. A transaction that fails wrote nothing: its calls
    /// are read and planned again and written once more, then, failing again, decided one by one.
    /// </summary>
    private async Task WriteByIdAsync(string vendor, List<Plan> plans, WinnerRecords records, bool decideAgain, List<Plan> result, CancellationToken cancellationToken)
    {
        result.AddRange(plans.Where(p => p.ById is null));
        foreach (var batch in TableBatchWriter.Split(plans.Where(p => p.ById is not null).ToList(), p => p.ById!.Entity))
        {
            try
            {
                await storage.Calls.SubmitTransactionAsync(batch.Select(p => p.ById!), cancellationToken).ConfigureAwait(false);
                result.AddRange(batch);
                continue;
            }
            catch (RequestFailedException e) when (CallClaims.IsConflict(e) || e.Status == 404)
            {
                // Another normalization changed one of these rows since they were read, or a first claim met a row.
                logger.LogDebug("A by-id row of {Vendor} changed concurrently; deciding {Count} calls again", vendor, batch.Count);
            }
            if (decideAgain)
            {
                var again = await PlanAsync(vendor, [.. batch.Select(p => p.CallId)], records, cancellationToken).ConfigureAwait(false);
                await WriteByIdAsync(vendor, again, records, decideAgain: false, result, cancellationToken).ConfigureAwait(false);
                continue;
            }
            foreach (var plan in batch)
            {
                result.Add(plan with { Outcome = await ResolveAsync(vendor, plan.CallId, records, cancellationToken).ConfigureAwait(false) });
            }
        }
    }

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
            var best = await claims.BestClaimAsync(vendor, callId, cancellationToken).ConfigureAwait(false);
            var oldOwner = current?.GetString("RawBlob");
            var oldKeys = current is null ? [] : OldKeys(current);
            if (await records.WinnerAsync(vendor, callId, best, current, cancellationToken).ConfigureAwait(false) is not { Known: true, Claim: var winner })
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
    private static List<CallRowDictionary> Entities(CallClaim winner) =>
        CallEntityMapper.ToEntities(winner.Record, winner.KeyStart, [new(OwnerKeyColumn, winner.ClaimKey), new(KeyStartColumn, winner.KeyStart)]);

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
        return keyStart is { } start ? CallEntityMapper.KeysFor(record, start) : [(byId.PartitionKey, byId.RowKey)];
    }

    /// <summary>Whether the winner of a call is known, and which claim it is (null: no blob holds the call).</summary>
    private readonly record struct Winner(bool Known, CallClaim? Claim);

    /// <summary>
    /// Where the records of winning claims come from during one resolution (see the class remarks). The blob's own
    /// records are loaded a wave at a time; other claimants' files read again are kept until the resolution ends.
    /// </summary>
    private sealed class WinnerRecords(OwnClaims own, CallRowResolver resolver) : IDisposable
    {
        private readonly ConcurrentDictionary<string, Lazy<Task<ClaimedFile?>>> _others = new(StringComparer.Ordinal);
        private Dictionary<string, CallClaim> _wave = new(StringComparer.Ordinal);

        /// <summary>Whether the blob claims the call now and did not at its previous normalization.</summary>
        public bool IsFirstClaim(string callId) => own.File.File.Calls.Contains(callId) && !own.PreviouslyClaimed.Contains(callId);

        /// <summary>Loads the blob's own claims on the calls of the next wave (and lets the last wave's go).</summary>
        public void LoadWave(IEnumerable<string> callIds) => _wave = own.File.ClaimsOf(callIds);

        /// <summary>The blob's own claim on a call of the current wave.</summary>
        public CallClaim Mine(string callId) => _wave[callId];

        public async Task<Winner> WinnerAsync(string vendor, string callId, ClaimRef? best, TableEntity? current, CancellationToken cancellationToken)
        {
            if (best is null)
            {
                return new Winner(true, null);
            }
            if (best.Blob == own.Blob && best.ClaimKey == own.ClaimKey && _wave.TryGetValue(callId, out var mine))
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
                && file.File.Calls.Get(callId) is { } record)
            {
                return new Winner(true, file.ClaimOf(record));
            }
            return new Winner(false, null);
        }

        /// <summary>Removes the temporary files of the other claimants' files that were read.</summary>
        public void Dispose()
        {
            foreach (var other in _others.Values)
            {
                if (other.IsValueCreated && other.Value.IsCompletedSuccessfully)
                {
                    other.Value.Result?.Dispose();
                }
            }
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
