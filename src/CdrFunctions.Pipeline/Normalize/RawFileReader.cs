using Azure;
using Azure.Storage.Blobs.Models;
using CdrFunctions.Pipeline.Landing;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Storage;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Pipeline.Vendors;
using Microsoft.Extensions.Options;

namespace CdrFunctions.Pipeline.Normalize;

/// <summary>
/// Parses one raw file with its vendor's parser and sorts what comes out: calls of the window, calls outside it,
/// records over the limits, quarantine. For vendors whose files hold parts of calls (<see cref="ICallPartsVendor"/>),
/// the files of the following windows are read along, so the window's calls are whole. The calls go to a
/// <see cref="CallRecordStore"/> as they are parsed, so a large window keeps only its calls' keys in memory.
/// </summary>
public sealed class RawFileReader(CdrStorage storage, IOptions<NormalizeOptions> options)
{
    /// <summary>Downloads and reads a raw blob with its metadata; null when it does not exist.</summary>
    public async Task<ClaimedFile?> ReadBlobAsync(ICdrVendor vendor, RawBlobName name, CancellationToken cancellationToken)
    {
        BlobDownloadStreamingResult download;
        try
        {
            download = (await storage.Raw.GetBlobClient(name.Name).DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        var window = RawBlobMetadata.WindowOf(download.Details.Metadata);
        var source = CallSource.For(name, window, RawBlobMetadata.PulledAtOf(download.Details.Metadata) ?? download.Details.LastModified);
        await using var content = download.Content;
        var file = await ReadAsync(vendor, name, content, window, cancellationToken).ConfigureAwait(false);
        return new ClaimedFile(file, source, window, FallbackStart(name, window));
    }

    /// <summary>The start that keys the calls of a file that have none: its window's.</summary>
    private static DateTimeOffset FallbackStart(RawBlobName name, TimeWindow? window) => window?.Start ?? name.WindowStart;

    /// <summary>Parses a raw file; the caller disposes the result (its calls may be spilled to a temporary file).</summary>
    public async Task<ParsedRawFile> ReadAsync(ICdrVendor vendor, RawBlobName name, Stream content, TimeWindow? window, CancellationToken cancellationToken)
    {
        var parsedFile = new ParsedRawFile(new CallRecordStore(options.Value.RecordsInMemory, options.Value.TempFolder));
        try
        {
            await ReadIntoAsync(vendor, name, content, window, parsedFile, cancellationToken).ConfigureAwait(false);
            return parsedFile;
        }
        catch
        {
            parsedFile.Dispose();
            throw;
        }
    }

    private async Task ReadIntoAsync(ICdrVendor vendor, RawBlobName name, Stream content, TimeWindow? window, ParsedRawFile parsedFile, CancellationToken cancellationToken)
    {
        var parts = vendor as ICallPartsVendor;
        var spanning = parts is { PartsSpan.Ticks: > 0 } && window is not null;
        var followers = spanning ? await OpenFollowersAsync(vendor, window!.Value, parts!.PartsSpan, cancellationToken).ConfigureAwait(false) : [];
        try
        {
            // Built once: every record of the file names it (and shares the one string).
            var file = new RawFileInfo(name.Name, window);
            var parsed = spanning ? parts!.ParseWithFollowersAsync(content, file, followers, cancellationToken) : vendor.ParseAsync(content, file, cancellationToken);
            await foreach (var result in parsed.ConfigureAwait(false))
            {
                Sort(result, vendor, name, file.BlobName, window, spanning ? parts!.PartsSpan : TimeSpan.Zero, parsedFile);
            }
        }
        finally
        {
            foreach (var (stream, _) in followers)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
        foreach (var id in parsedFile.Strays.Keys.Where(parsedFile.Calls.Contains).ToList())
        {
            parsedFile.Strays.Remove(id);
        }
    }

    private static void Sort(ParseResult result, ICdrVendor vendor, RawBlobName name, string blobName, TimeWindow? window, TimeSpan partsSpan, ParsedRawFile into)
    {
        if (result.Quarantined is { } q)
        {
            into.Quarantined.Add(q);
            into.FileError ??= q.FileLevel ? q.Reason : null;
            return;
        }
        var record = result.Record!.NamedFrom(blobName);
        if (RecordLimits.Violation(record) is { } violation)
        {
            into.Quarantined.Add(new Quarantined($"callId {Quarantined.Cap(record.CallId)}", violation, Quarantined.Cap(CallJson.Serialize(record))));
            return;
        }
        if (window is { } w && record.StartUtc is { } start && !w.Contains(start))
        {
            // Another window owns it; whether that window holds it is decided (and reported) after the claims.
            var owner = RawBlobName.ForWindow(vendor.Name, new WindowGrid(w.Length).WindowContaining(start), name.Extension).Name;
            into.Strays[record.CallId] = new StrayCall(record, start, owner);
            if (start < w.Start && start >= w.Start - partsSpan)
            {
                // Later parts of a call an earlier window owns: that window is completed after this one.
                into.EarlierOwners.Add(owner);
                into.LaterParts++;
            }
            return;
        }
        into.Warned += record.Extras.Utf8.IndexOf("\"_warnings\""u8) >= 0 ? 1 : 0;
        if (!into.Calls.Add(record, record.StartUtc ?? FallbackStart(name, window)))
        {
            into.Duplicates++;
        }
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
}
