using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using CdrFunctions.Pipeline.Landing;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Storage;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Pipeline.Vendors;
using Microsoft.Extensions.Logging;

namespace CdrFunctions.Pipeline.Normalize;

/// <summary>
/// Turns one raw blob into table rows, the window's curated CSV and Parquet files and its quarantine file.
/// Re-running it on the same blob leaves the same state: keys are deterministic, the curated and quarantine blobs are
/// replaced whole, and rows written by an earlier run that the new run no longer produces are removed
/// (the previous curated CSV is the manifest of that earlier run). Bad data never throws; storage
/// failures do, so the Functions runtime retries and finally parks the blob in the poison queue.
/// A call belongs to the window it starts in (one owner per row). For vendors whose files hold parts of
/// calls (<see cref="ICallPartsVendor"/>), the owner window is parsed with the files of the windows after
/// it, and a file holding parts of calls owned by earlier windows has those windows normalized again, so
/// the owner's row ends up with every part whichever file arrives first.
/// </summary>
public sealed class Normalizer(CdrStorage storage, VendorCatalog vendors, ILogger<Normalizer> logger)
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
        var file = new RawFileInfo(rawBlobName, window);
        var calls = new Dictionary<string, CallRecord>(StringComparer.Ordinal);
        var quarantined = new List<Quarantined>();
        var earlierOwners = new HashSet<DateTimeOffset>();
        int duplicates = 0, outside = 0;
        string? fileError = null;
        var parts = vendor as ICallPartsVendor;
        var spanning = parts is { PartsSpan.Ticks: > 0 } && window is not null;
        var followers = spanning ? await OpenFollowersAsync(vendor, window!.Value, parts!.PartsSpan, cancellationToken).ConfigureAwait(false) : [];
        try
        {
            await using (var content = download.Content)
            {
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
                        if (spanning && start < w.Start && start >= w.Start - parts!.PartsSpan)
                        {
                            // Later parts of a call an earlier window owns: that window is completed below.
                            earlierOwners.Add(new WindowGrid(vendor.Schedule.WindowSize).Floor(start));
                            continue;
                        }
                        outside++;
                        continue;
                    }
                    if (!calls.TryAdd(record.CallId, record))
                    {
                        duplicates++;
                        calls[record.CallId] = record;
                    }
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

        var fallbackStart = window?.Start ?? name.WindowStart;
        var ordered = calls.Values.OrderBy(c => c.StartUtc ?? fallbackStart).ThenBy(c => c.CallId, StringComparer.Ordinal).ToList();
        var writer = new TableBatchWriter(storage.Calls);
        await writer.UpsertAsync(ordered.SelectMany(c => CallEntityMapper.ToEntities(c, fallbackStart)), cancellationToken).ConfigureAwait(false);
        var stale = await StaleKeysAsync(name, ordered, fallbackStart, cancellationToken).ConfigureAwait(false);
        var removed = stale.Count == 0 ? 0 : await writer.DeleteAsync(stale, cancellationToken).ConfigureAwait(false);
        // Parquet first: the CSV is the manifest of what this window wrote, so it is committed last.
        await WriteCuratedParquetAsync(name, ordered, cancellationToken).ConfigureAwait(false);
        await WriteCuratedAsync(name, ordered, cancellationToken).ConfigureAwait(false);
        var quarantineBlob = await WriteQuarantineAsync(name.QuarantineName, rawBlobName, quarantined, cancellationToken).ConfigureAwait(false);

        var summary = new NormalizeResult
        {
            RawBlob = rawBlobName,
            Vendor = vendor.Name,
            Records = ordered.Count,
            Quarantined = quarantined.Count,
            Duplicates = duplicates,
            OutsideWindow = outside,
            StaleRowsRemoved = removed,
            CuratedBlob = name.CuratedName,
            CuratedParquetBlob = name.CuratedParquetName,
            QuarantineBlob = quarantineBlob,
            FileError = fileError,
        };
        logger.LogInformation("Normalized {Summary}", summary.Summary);
        if (completeOwners && earlierOwners.Count > 0)
        {
            await CompleteOwnersAsync(vendor, earlierOwners, rawBlobName, cancellationToken).ConfigureAwait(false);
        }
        if (outside > ordered.Count)
        {
            // Most calls outside their own window means the times were read in the wrong zone.
            logger.LogWarning("{Blob}: {Outside} of {Total} calls start outside the window {Window}; check Vendors:{Vendor}:TimeZone",
                rawBlobName, outside, outside + ordered.Count, window, vendor.Name);
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
    private async Task CompleteOwnersAsync(ICdrVendor vendor, IEnumerable<DateTimeOffset> ownerStarts, string rawBlobName, CancellationToken cancellationToken)
    {
        var grid = new WindowGrid(vendor.Schedule.WindowSize);
        foreach (var start in ownerStarts.Order())
        {
            var owner = RawBlobName.ForWindow(vendor.Name, grid.WindowContaining(start), vendor.RawExtension).Name;
            if (owner == rawBlobName || !await storage.Raw.GetBlobClient(owner).ExistsAsync(cancellationToken).ConfigureAwait(false))
            {
                continue;
            }
            logger.LogInformation("{Blob} holds later parts of calls owned by {Owner}; normalizing the owner again", rawBlobName, owner);
            await NormalizeAsync(owner, completeOwners: false, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Rows the previous normalization of this window wrote that this one does not (read from its curated CSV).</summary>
    private async Task<List<(string PartitionKey, string RowKey)>> StaleKeysAsync(
        RawBlobName name, IReadOnlyCollection<CallRecord> current, DateTimeOffset fallbackStart, CancellationToken cancellationToken)
    {
        List<CallRecord> previous;
        try
        {
            var old = await storage.Curated.GetBlobClient(name.CuratedName).DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await using var stream = old.Value.Content;
            previous = await CuratedCsv.ReadAsync(stream, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return [];
        }
        var keep = current.SelectMany(c => CallEntityMapper.KeysFor(c, fallbackStart)).ToHashSet();
        return previous.SelectMany(c => CallEntityMapper.KeysFor(c, fallbackStart)).Where(k => !keep.Contains(k)).Distinct().ToList();
    }

    private async Task WriteCuratedAsync(RawBlobName name, IReadOnlyCollection<CallRecord> records, CancellationToken cancellationToken)
    {
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
        return new NormalizeResult { RawBlob = rawBlobName, Quarantined = 1, QuarantineBlob = quarantineName, FileError = reason };
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
