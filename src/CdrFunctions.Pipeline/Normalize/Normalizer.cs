using Azure;
using Azure.Storage.Blobs.Models;
using CdrFunctions.Pipeline.Landing;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Storage;
using CdrFunctions.Pipeline.Vendors;
using Microsoft.Extensions.Logging;

namespace CdrFunctions.Pipeline.Normalize;

/// <summary>
/// Turns one raw blob into table rows, its curated CSV and Parquet files and its quarantine file. Every call has one owner: the
/// best raw blob that holds it (<see cref="CallSource"/>: pulled window, then live lookup, then push). A
/// normalization records the blob's claims, then re-decides the owner of each call it holds or held
/// (<see cref="CallRowResolver"/>), and rewrites the curated files of every blob that gained or lost a call. So
/// windows normalized in any order, calls that move between windows and pushes for pulled calls all end as a
/// clean run would. Bad data never throws; storage failures do, so the Functions runtime retries.
/// A file holding later parts of calls an earlier window owns (<see cref="ICallPartsVendor"/>) has that window
/// normalized again (once, no cascade), whichever file arrives first.
/// </summary>
public sealed class Normalizer(
    CdrStorage storage, VendorCatalog vendors, RawFileReader reader, CallClaims claims, CallRowResolver rows,
    CuratedWriter curated, CuratedVersions versions, NormalizationMarks marks, QuarantineWriter quarantine, BlobStatusStore status, ILogger<Normalizer> logger)
{
    public Task<NormalizeResult> NormalizeAsync(string rawBlobName, CancellationToken cancellationToken) =>
        NormalizeAsync(rawBlobName, completeOwners: true, cancellationToken);

    private async Task<NormalizeResult> NormalizeAsync(string rawBlobName, bool completeOwners, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        if (!RawBlobName.TryParse(rawBlobName, out var name) || !vendors.TryGet(name.Vendor, out var vendor))
        {
            var reason = RawBlobName.TryParse(rawBlobName, out var parsed)
                ? $"no vendor named '{parsed.Vendor}' is registered"
                : "the name is not {vendor}/{yyyy}/{MM}/{dd}/{stem}.{ext}";
            return await QuarantineUnrecognizedAsync(rawBlobName, reason, cancellationToken).ConfigureAwait(false);
        }

        if (await reader.ReadBlobAsync(vendor, name, cancellationToken).ConfigureAwait(false) is not { } read)
        {
            logger.LogWarning("Raw blob {Blob} vanished before it was normalized", rawBlobName);
            return new NormalizeResult { RawBlob = rawBlobName, Vendor = vendor.Name, FileError = "the raw blob does not exist" };
        }
        NormalizeResult summary;
        List<string> earlierOwners;
        using (read)
        {
            summary = await NormalizeReadAsync(vendor, name, read, cancellationToken).ConfigureAwait(false);
            earlierOwners = [.. read.File.EarlierOwners];
        }
        if (completeOwners)
        {
            await CompleteOwnersAsync(earlierOwners, rawBlobName, cancellationToken).ConfigureAwait(false);
        }
        return summary;
    }

    /// <summary>Everything after the parse; <paramref name="read"/>'s calls are read back a wave or a chunk at a time.</summary>
    private async Task<NormalizeResult> NormalizeReadAsync(ICdrVendor vendor, RawBlobName name, ClaimedFile read, CancellationToken cancellationToken)
    {
        var rawBlobName = name.Name;
        var (file, source, window) = (read.File, read.Source, read.Window);
        var run = await marks.BeginAsync(rawBlobName, cancellationToken).ConfigureAwait(false);
        // Read before the owners are resolved: the curated upload checks that nobody changed them since.
        var seen = await versions.ReadAsync(rawBlobName, cancellationToken).ConfigureAwait(false);
        var previous = await claims.ReadManifestAsync(rawBlobName, cancellationToken).ConfigureAwait(false);
        var previousManifest = await claims.ReplaceAsync(vendor.Name, rawBlobName, source.Key, file.Calls.Ids, [.. file.Strays.Values], previous, cancellationToken).ConfigureAwait(false);

        var affected = file.Calls.Ids.Concat(previous.Claims.Keys).Distinct(StringComparer.Ordinal).ToList();
        var own = new OwnClaims(rawBlobName, source.Key, read, previous.Claims.Keys.ToHashSet(StringComparer.Ordinal));
        var owned = new CuratedCalls(file.Calls);
        var moved = new HashSet<string>(StringComparer.Ordinal);
        var rowsRemoved = 0;
        await foreach (var o in rows.ResolveAllAsync(vendor.Name, affected, own, cancellationToken).ConfigureAwait(false))
        {
            if (o.NewOwner == rawBlobName && o.Winner is { } winner)
            {
                // A winner under this blob's own claim key is this parse's record (no other claim has that key): the
                // store has it, so only its keys are kept. Any other (read from a row) is kept whole; those are few.
                owned.Add(o.CallId, winner.KeyStart, winner.ClaimKey == source.Key && file.Calls.Contains(o.CallId) ? null : winner.Record);
            }
            if (o.OldOwner != o.NewOwner)
            {
                moved.UnionWith(new[] { o.OldOwner, o.NewOwner }.OfType<string>());
            }
            rowsRemoved += o.RowsRemoved;
        }
        await curated.WriteOwnAsync(name, owned, seen, cancellationToken).ConfigureAwait(false);
        foreach (var other in await BlobsToRewriteAsync(vendor.Name, run, moved, affected, cancellationToken).ConfigureAwait(false))
        {
            await curated.RewriteAsync(other, cancellationToken).ConfigureAwait(false);
        }
        // Only now: until the calls it dropped are resolved and the files of their new owners rewritten, a run that
        // dies finds them in the previous manifest again.
        await claims.ForgetAsync(previousManifest, cancellationToken).ConfigureAwait(false);

        var quarantineBlob = await quarantine.WriteAsync(name.QuarantineName, rawBlobName, file.Quarantined, cancellationToken).ConfigureAwait(false);
        var unconfirmed = await ReportStraysAsync(rawBlobName, cancellationToken).ConfigureAwait(false);

        var summary = new NormalizeResult
        {
            RawBlob = rawBlobName,
            Vendor = vendor.Name,
            Records = file.Calls.Count,
            Owned = owned.Count,
            Quarantined = file.Quarantined.Count,
            Duplicates = file.Duplicates,
            OutsideWindow = file.Strays.Count,
            Unconfirmed = unconfirmed,
            Warned = file.Warned,
            StaleRowsRemoved = rowsRemoved,
            CuratedBlob = name.CuratedName,
            CuratedParquetBlob = name.CuratedParquetName,
            QuarantineBlob = quarantineBlob,
            FileError = file.FileError,
        };
        await status.RecordAsync(summary, cancellationToken).ConfigureAwait(false);
        await marks.EndAsync(run, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Normalized {Summary}", summary.Summary);
        if (file.Strays.Count - file.LaterParts > file.Calls.Count)
        {
            // Most calls outside their own window means the times were read in the wrong zone.
            logger.LogWarning("{Blob}: {Outside} of {Total} calls start outside the window {Window}; check Vendors:{Vendor}:TimeZone",
                rawBlobName, file.Strays.Count - file.LaterParts, file.Strays.Count + file.Calls.Count, window, vendor.Name);
        }
        return summary;
    }

    /// <summary>
    /// The other blobs whose curated files this normalization must rewrite: those that gained or lost a call now,
    /// and, after an earlier normalization of this blob died before it finished, every blob that claims one of its
    /// calls (the dead run may have moved calls to or from them without rewriting their files).
    /// </summary>
    private async Task<IEnumerable<string>> BlobsToRewriteAsync(
        string vendorName, NormalizationMarks.Run run, HashSet<string> blobs, IEnumerable<string> affected, CancellationToken cancellationToken)
    {
        if (run.Unfinished.Count > 0)
        {
            var claimants = await claims.ClaimingBlobsAsync(vendorName, affected, cancellationToken).ConfigureAwait(false);
            logger.LogWarning("{Blob}: an earlier normalization did not finish; rewriting the curated files of the {Count} blob(s) that claim its calls",
                run.Blob, claimants.Count(b => b != run.Blob));
            blobs.UnionWith(claimants);
        }
        blobs.Remove(run.Blob);
        return blobs.Order(StringComparer.Ordinal);
    }

    /// <summary>
    /// Reports this blob's unconfirmed strays, and again those of every blob whose strays point at this one (its
    /// claims may confirm them). Returns this blob's count.
    /// </summary>
    private async Task<int> ReportStraysAsync(string rawBlobName, CancellationToken cancellationToken)
    {
        var unconfirmed = await quarantine.ReportStraysAsync(rawBlobName, cancellationToken).ConfigureAwait(false);
        foreach (var pointing in await claims.BlobsPointingAtAsync(rawBlobName, cancellationToken).ConfigureAwait(false))
        {
            if (pointing != rawBlobName)
            {
                var count = await quarantine.ReportStraysAsync(pointing, cancellationToken).ConfigureAwait(false);
                await status.UpdateUnconfirmedAsync(pointing, count, cancellationToken).ConfigureAwait(false);
            }
        }
        return unconfirmed;
    }

    /// <summary>Normalizes again the earlier windows that own calls with parts in <paramref name="rawBlobName"/> (once, no cascade).</summary>
    private async Task CompleteOwnersAsync(IEnumerable<string> owners, string rawBlobName, CancellationToken cancellationToken)
    {
        foreach (var owner in owners)
        {
            if (owner == rawBlobName || !await storage.Raw.GetBlobClient(owner).ExistsAsync(cancellationToken).ConfigureAwait(false))
            {
                continue;
            }
            logger.LogInformation("{Blob} holds later parts of calls owned by {Owner}; normalizing the owner again", rawBlobName, owner);
            await NormalizeAsync(owner, completeOwners: false, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<NormalizeResult> QuarantineUnrecognizedAsync(string rawBlobName, string reason, CancellationToken cancellationToken)
    {
        var quarantineName = $"unrecognized/{rawBlobName}.jsonl";
        await quarantine.WriteAsync(quarantineName, rawBlobName, [new Quarantined("file", reason, FileLevel: true)], cancellationToken).ConfigureAwait(false);
        var result = new NormalizeResult { RawBlob = rawBlobName, Quarantined = 1, QuarantineBlob = quarantineName, FileError = reason };
        await status.RecordAsync(result, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>Raw blobs of one vendor whose window starts in <c>[from, to)</c>, for replays.</summary>
    public async Task<IReadOnlyList<string>> ListRawBlobsAsync(string vendorName, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var vendor = vendors.Get(vendorName);
        var names = new List<string>();
        for (var day = from.UtcDateTime.Date; day < to.UtcDateTime; day = day.AddDays(1))
        {
            var prefix = $"{vendor.Name}/{day:yyyy}/{day:MM}/{day:dd}/";
            await foreach (var item in storage.Raw.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
            {
                if (RawBlobName.TryParse(item.Name, out var n) && n.WindowStart >= from && n.WindowStart < to)
                {
                    names.Add(item.Name);
                }
            }
        }
        return names;
    }
}
