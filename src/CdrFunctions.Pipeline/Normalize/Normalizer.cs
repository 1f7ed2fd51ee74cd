using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using CdrFunctions.Pipeline.Landing;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Storage;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Pipeline.Vendors;
using Microsoft.Extensions.Logging;

namespace CdrFunctions.Pipeline.Normalize;

/// <summary>
/// Turns one raw blob into table rows, its curated CSV and Parquet files and its quarantine file. Every call has one owner: the
/// best raw blob that holds it (<see cref="CallSource"/>: pulled window, then live lookup, then push). A
/// normalization records the blob's claims, then re-decides the owner of each call it holds or held, writing
/// or deleting a call's rows only with the ETag of the by-id row it read (which names the owner). So windows
/// normalized in any order, calls that move between windows and pushes for pulled calls all end as a clean
/// run would. Bad data never throws; storage failures do, so the Functions runtime retries.
/// For vendors whose files hold parts of calls (<see cref="ICallPartsVendor"/>), a window is parsed with the
/// files of the windows after it, so its claims are whole calls; a file holding later parts of calls an earlier
/// window owns has that window normalized again (once, no cascade), whichever file arrives first.
/// </summary>
public sealed class Normalizer(CdrStorage storage, VendorCatalog vendors, BlobStatusStore status, ILogger<Normalizer> logger)
{
    private const int ResolveAttempts = 8;
    private const string OwnerKeyColumn = "OwnerKey";
    private const string KeyStartColumn = "KeyStart";

    private CallClaims Claims => new(storage);

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

        var blob = storage.Raw.GetBlobClient(rawBlobName);
        BlobDownloadStreamingResult download;
        try
        {
            download = (await blob.DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            logger.LogWarning("Raw blob {Blob} vanished before it was normalized", rawBlobName);
            return new NormalizeResult { RawBlob = rawBlobName, Vendor = vendor.Name, FileError = "the raw blob does not exist" };
        }

        var window = RawBlobMetadata.WindowOf(download.Details.Metadata);
        var source = CallSource.For(name, window, RawBlobMetadata.PulledAtOf(download.Details.Metadata) ?? download.Details.LastModified);
        var file = new RawFileInfo(rawBlobName, window);
        var calls = new Dictionary<string, CallRecord>(StringComparer.Ordinal);
        var strays = new Dictionary<string, StrayCall>(StringComparer.Ordinal);
        var quarantined = new List<Quarantined>();
        int duplicates = 0, warned = 0, laterParts = 0;
        string? fileError = null;
        var parts = vendor as ICallPartsVendor;
        var spanning = parts is { PartsSpan.Ticks: > 0 } && window is not null;
        var followers = spanning ? await OpenFollowersAsync(vendor, window!.Value, parts!.PartsSpan, cancellationToken).ConfigureAwait(false) : [];
        var earlierOwners = new SortedSet<string>(StringComparer.Ordinal);
        try
        {
            await using var content = download.Content;
            var parsed = spanning ? parts!.ParseWithFollowersAsync(content, file, followers, cancellationToken) : vendor.ParseAsync(content, file, cancellationToken);
            await foreach (var result in parsed.ConfigureAwait(false))
            {
                if (result.Quarantined is { } q)
                {
                    quarantined.Add(q);
                    fileError ??= q.FileLevel ? q.Reason : null;
                    continue;
                }
                var record = result.Record! with { RawBlob = rawBlobName };
                if (RecordLimits.Violation(record) is { } violation)
                {
                    quarantined.Add(new Quarantined($"callId {Quarantined.Cap(record.CallId)}", violation, Quarantined.Cap(CallJson.Serialize(record))));
                    continue;
                }
                if (window is { } w && record.StartUtc is { } start && !w.Contains(start))
                {
                    // Another window owns it; whether that window holds it is decided (and reported) below.
                    var owner = RawBlobName.ForWindow(vendor.Name, new WindowGrid(w.Length).WindowContaining(start), name.Extension).Name;
                    strays[record.CallId] = new StrayCall(record, start, owner);
                    if (spanning && start < w.Start && start >= w.Start - parts!.PartsSpan)
                    {
                        // Later parts of a call an earlier window owns: that window is completed below.
                        earlierOwners.Add(owner);
                        laterParts++;
                    }
                    continue;
                }
                warned += record.Extras.Json.Contains("\"_warnings\"", StringComparison.Ordinal) ? 1 : 0;
                if (!calls.TryAdd(record.CallId, record))
                {
                    duplicates++;
                    calls[record.CallId] = record;
                }
            }
        }
        finally
        {
            foreach (var (stream, _) in followers)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
        foreach (var id in calls.Keys)
        {
            strays.Remove(id);
        }

        var fallbackStart = window?.Start ?? name.WindowStart;
        var claims = calls.Values.Select(c => new CallClaim(c, c.StartUtc ?? fallbackStart, source.Key)).ToList();
        var previous = await Claims.ReadManifestAsync(rawBlobName, cancellationToken).ConfigureAwait(false);
        await Claims.ReplaceAsync(vendor.Name, rawBlobName, source.Key, claims, [.. strays.Values], previous, cancellationToken).ConfigureAwait(false);

        var affected = calls.Keys.Concat(previous.Claims.Keys).Distinct(StringComparer.Ordinal).ToList();
        var outcomes = await ResolveAllAsync(vendor.Name, affected, cancellationToken).ConfigureAwait(false);

        var owned = outcomes.Where(o => o.NewOwner == rawBlobName && o.Winner is not null).Select(o => o.Winner!).ToList();
        await WriteCuratedAsync(name, owned, cancellationToken).ConfigureAwait(false);
        var others = outcomes.Where(o => o.OldOwner != o.NewOwner)
            .SelectMany(o => new[] { o.OldOwner, o.NewOwner })
            .Where(b => b is not null && b != rawBlobName).Select(b => b!).Distinct(StringComparer.Ordinal).ToList();
        foreach (var other in others)
        {
            await RewriteCuratedAsync(other, cancellationToken).ConfigureAwait(false);
        }

        var quarantineBlob = await WriteQuarantineAsync(name.QuarantineName, rawBlobName, quarantined, cancellationToken).ConfigureAwait(false);
        var unconfirmed = await ReportStraysAsync(rawBlobName, cancellationToken).ConfigureAwait(false);
        foreach (var pointing in await Claims.BlobsPointingAtAsync(rawBlobName, cancellationToken).ConfigureAwait(false))
        {
            if (pointing != rawBlobName)
            {
                var count = await ReportStraysAsync(pointing, cancellationToken).ConfigureAwait(false);
                await status.UpdateUnconfirmedAsync(pointing, count, cancellationToken).ConfigureAwait(false);
            }
        }

        var summary = new NormalizeResult
        {
            RawBlob = rawBlobName,
            Vendor = vendor.Name,
            Records = calls.Count,
            Owned = owned.Count,
            Quarantined = quarantined.Count,
            Duplicates = duplicates,
            OutsideWindow = strays.Count,
            Unconfirmed = unconfirmed,
            Warned = warned,
            StaleRowsRemoved = outcomes.Sum(o => o.RowsRemoved),
            CuratedBlob = name.CuratedName,
            CuratedParquetBlob = name.CuratedParquetName,
            QuarantineBlob = quarantineBlob,
            FileError = fileError,
        };
        await status.RecordAsync(summary, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Normalized {Summary}", summary.Summary);
        if (completeOwners)
        {
            await CompleteOwnersAsync(earlierOwners, rawBlobName, cancellationToken).ConfigureAwait(false);
        }
        if (strays.Count - laterParts > calls.Count)
        {
            // Most calls outside their own window means the times were read in the wrong zone.
            logger.LogWarning("{Blob}: {Outside} of {Total} calls start outside the window {Window}; check Vendors:{Vendor}:TimeZone",
                rawBlobName, strays.Count - laterParts, strays.Count + calls.Count, window, vendor.Name);
        }
        return summary;
    }

    /// <summary>Raw files of the windows after <paramref name="window"/> within <paramref name="span"/> that exist, oldest first.</summary>
    private async Task<List<(Stream Raw, RawFileInfo File)>> OpenFollowersAsync(ICdrVendor vendor, TimeWindow window, TimeSpan span, CancellationToken cancellationToken)
    {
        var followers = new List<(Stream, RawFileInfo)>();
        foreach (var next in new WindowGrid(vendor.Schedule.WindowSize).Cover(window.End, window.End + span))
        {
            var name = RawBlobName.ForWindow(vendor.Name, next, vendor.RawExtension).Name;
            try
            {
                var download = await storage.Raw.GetBlobClient(name).DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                followers.Add((download.Value.Content, new RawFileInfo(name, next)));
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // Not landed yet: when it lands, its normalization completes this window.
            }
        }
        return followers;
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

    private sealed record Outcome(string CallId, string? OldOwner, string? NewOwner, CallClaim? Winner, int RowsRemoved);

    private async Task<List<Outcome>> ResolveAllAsync(string vendor, IReadOnlyList<string> callIds, CancellationToken cancellationToken)
    {
        var outcomes = new ConcurrentBag<Outcome>();
        await Parallel.ForEachAsync(
            callIds,
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (callId, ct) => outcomes.Add(await ResolveAsync(vendor, callId, ct).ConfigureAwait(false))).ConfigureAwait(false);
        return [.. outcomes];
    }

    /// <summary>
    /// Makes a call's rows show its best claim (or removes them when no blob holds it any more). The by-id row
    /// is written or deleted only with the ETag it was read with, so a concurrent normalization that changed the
    /// owner in between makes this one re-read and decide again.
    /// </summary>
    private async Task<Outcome> ResolveAsync(string vendor, string callId, CancellationToken cancellationToken)
    {
        var (pk, rk) = TableKeys.ById(vendor, callId);
        var writer = new TableBatchWriter(storage.Calls, maxParallelism: 1);
        for (var attempt = 1; ; attempt++)
        {
            var winner = await Claims.WinnerAsync(vendor, callId, cancellationToken).ConfigureAwait(false);
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
                        return new Outcome(callId, null, null, null, 0);
                    }
                    await storage.Calls.DeleteEntityAsync(pk, rk, current.ETag, cancellationToken).ConfigureAwait(false);
                    var removed = await writer.DeleteAsync(oldKeys.Where(k => k != (pk, rk)), cancellationToken).ConfigureAwait(false);
                    return new Outcome(callId, oldOwner, null, null, removed + 1);
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
                return new Outcome(callId, oldOwner, winner.Record.RawBlob, winner, stale);
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

    /// <summary>Rewrites another blob's curated CSV from the rows it still owns (after a call moved to or from it).</summary>
    private async Task RewriteCuratedAsync(string blob, CancellationToken cancellationToken)
    {
        if (!RawBlobName.TryParse(blob, out var name))
        {
            return;
        }
        var ids = await Claims.ClaimedIdsAsync(blob, cancellationToken).ConfigureAwait(false);
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
                    owned.Add(new CallClaim(record, row.Value.GetDateTimeOffset(KeyStartColumn)?.ToUniversalTime() ?? record.StartUtc ?? name.WindowStart, row.Value.GetString(OwnerKeyColumn) ?? ""));
                }
            }).ConfigureAwait(false);
        await WriteCuratedAsync(name, [.. owned], cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteCuratedAsync(RawBlobName name, IReadOnlyCollection<CallClaim> owned, CancellationToken cancellationToken)
    {
        var records = owned.OrderBy(c => c.KeyStart).ThenBy(c => c.Record.CallId, StringComparer.Ordinal).Select(c => c.Record).ToList();
        await WriteCuratedParquetAsync(name, records, cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        await CuratedCsv.WriteAsync(records, buffer, cancellationToken).ConfigureAwait(false);
        buffer.Position = 0;
        await storage.Curated.GetBlobClient(name.CuratedName).UploadAsync(buffer, new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "text/csv; charset=utf-8" },
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteCuratedParquetAsync(RawBlobName name, IReadOnlyCollection<CallRecord> records, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await CuratedParquet.WriteAsync(records, buffer, cancellationToken).ConfigureAwait(false);
        buffer.Position = 0;
        await storage.Curated.GetBlobClient(name.CuratedParquetName).UploadAsync(buffer, new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = CuratedParquet.ContentType },
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Calls <paramref name="blob"/> holds outside its window that the owning window does not hold: one quarantine
    /// line each, with the reason, in <c>{stem}.outside.jsonl</c>; the file is removed once every one is confirmed.
    /// </summary>
    private async Task<int> ReportStraysAsync(string blob, CancellationToken cancellationToken)
    {
        if (!RawBlobName.TryParse(blob, out var name))
        {
            return 0;
        }
        var strays = await Claims.ReadStraysAsync(blob, cancellationToken).ConfigureAwait(false);
        var unconfirmed = new List<Quarantined>();
        foreach (var group in strays.GroupBy(s => s.Owner, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var held = await Claims.ClaimedIdsAsync(group.Key, cancellationToken).ConfigureAwait(false);
            foreach (var s in group.Where(s => !held.Contains(s.CallId)).OrderBy(s => s.CallId, StringComparer.Ordinal))
            {
                unconfirmed.Add(new Quarantined(
                    $"callId {Quarantined.Cap(s.CallId)}",
                    $"the call starts at {IsoUtc.Format(s.Start)}, outside this file's window; the window that owns it ({group.Key}) does not hold it (not pulled yet, or the vendor left it out)",
                    s.Raw));
            }
        }
        await WriteQuarantineAsync(OutsideReportName(name), blob, unconfirmed, cancellationToken).ConfigureAwait(false);
        return unconfirmed.Count;
    }

    public static string OutsideReportName(RawBlobName name) => name.QuarantineName[..^".jsonl".Length] + ".outside.jsonl";

    /// <summary>One JSON line per bad record; the blob is removed when a re-run finds nothing bad.</summary>
    private async Task<string?> WriteQuarantineAsync(string quarantineName, string rawBlobName, IReadOnlyCollection<Quarantined> entries, CancellationToken cancellationToken)
    {
        var blob = storage.Quarantine.GetBlobClient(quarantineName);
        if (entries.Count == 0)
        {
            await blob.DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return null;
        }
        var sb = new StringBuilder();
        foreach (var q in entries)
        {
            sb.Append(JsonSerializer.Serialize(new { rawBlob = rawBlobName, position = q.Position, reason = q.Reason, fileLevel = q.FileLevel, raw = q.Raw }, CallJson.Options)).Append('\n');
        }
        await blob.UploadAsync(BinaryData.FromString(sb.ToString()), overwrite: true, cancellationToken).ConfigureAwait(false);
        logger.LogWarning("Quarantined {Count} record(s) of {Blob} to {Quarantine}", entries.Count, rawBlobName, quarantineName);
        return quarantineName;
    }

    private async Task<NormalizeResult> QuarantineUnrecognizedAsync(string rawBlobName, string reason, CancellationToken cancellationToken)
    {
        var quarantineName = $"unrecognized/{rawBlobName}.jsonl";
        await WriteQuarantineAsync(quarantineName, rawBlobName, [new Quarantined("file", reason, FileLevel: true)], cancellationToken).ConfigureAwait(false);
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
