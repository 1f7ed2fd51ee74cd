using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using CdrFunctions.Pipeline.Storage;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Pipeline.Vendors;
using Microsoft.Extensions.Logging;

namespace CdrFunctions.Pipeline.Landing;

public enum LandingOutcome
{
    /// <summary>A new or changed window was committed.</summary>
    Written,

    /// <summary>The vendor sent the same bytes as the blob already holds: nothing rewritten, no new trigger.</summary>
    Unchanged,

    /// <summary>A re-pull that would drop many of the window's calls; kept back until a later run confirms it.</summary>
    HeldBack,

    /// <summary>Another run committed this window while this one pulled it; the other run's answer stands.</summary>
    Superseded,
}

public sealed record LandingResult(string BlobName, LandingOutcome Outcome, long RecordCount, long Bytes, string Sha256)
{
    /// <summary>What the vendor reported through <see cref="IRawSink.AddWarning"/> while pulling.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>
/// Lands one window as one block blob: pages are buffered into blocks of a few MiB, staged as they come,
/// and the block list is committed once at the end, so readers never see half a window and a crash
/// leaves nothing committed. The content hash is compared with the existing blob's before committing.
/// </summary>
public sealed class RawLander(CdrStorage storage, ShrinkGuard shrinks, TimeProvider time, ILogger<RawLander> logger)
{
    internal const int BlockSize = 4 * 1024 * 1024;

    /// <summary>
    /// Pulls and commits one window. Block ids carry a per-landing id, so two landings of one window never mix
    /// blocks; the commit is conditional on the blob as it was before the pull, so the later of two racing
    /// landings loses cleanly (<see cref="LandingOutcome.Superseded"/>) instead of overwriting blindly.
    /// </summary>
    public async Task<LandingResult> LandAsync(ICdrVendor vendor, TimeWindow window, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var name = RawBlobName.ForWindow(vendor.Name, window, vendor.RawExtension).Name;
        var blob = storage.Raw.GetBlockBlobClient(name);
        await using var sink = new StagingSink(blob);
        // The landed blob is read while the vendor is asked, not before: a round trip ahead of every vendor
        // request would stagger concurrent windows (and their shared token renewal) for nothing.
        var reading = ExistingAsync(blob, cancellationToken);
        var pulling = PullAsync(vendor, window, sink, cancellationToken);
        await Task.WhenAll(reading, pulling).ConfigureAwait(false);
        var (before, staged) = (await reading.ConfigureAwait(false), await pulling.ConfigureAwait(false));

        if (before?.Sha256 == staged.Sha256)
        {
            logger.LogInformation("Window {Window} of {Vendor} unchanged ({Records} records): {Blob} kept", window, vendor.Name, sink.Records, name);
            await shrinks.ClearAsync(name, cancellationToken).ConfigureAwait(false);
            return new LandingResult(name, LandingOutcome.Unchanged, sink.Records, staged.Bytes, staged.Sha256) { Warnings = sink.Warnings };
        }
        if (before is { } landed && ShrinkGuard.IsShrink(landed.Records, sink.Records, vendor.Schedule.MaxShrinkShare)
            && !await shrinks.ConfirmAsync(vendor.Name, name, staged.Sha256, sink.Records, landed.Records, cancellationToken).ConfigureAwait(false))
        {
            var warning = string.Create(CultureInfo.InvariantCulture,
                $"the re-pull returned {sink.Records} of the {landed.Records} landed records (over {vendor.Schedule.MaxShrinkShare:P0} fewer); not committed until a later run gets the same answer");
            logger.LogWarning("Window {Window} of {Vendor}: {Warning}", window, vendor.Name, warning);
            return new LandingResult(name, LandingOutcome.HeldBack, landed.Records, staged.Bytes, staged.Sha256) { Warnings = [.. sink.Warnings, warning] };
        }

        var metadata = new RawBlobMetadata(vendor.Name, window, sink.Records, staged.Sha256, time.GetUtcNow()).ToDictionary();
        var headers = new BlobHttpHeaders { ContentType = vendor.RawExtension == "csv" ? "text/csv; charset=utf-8" : "application/json" };
        var conditions = before is null ? new BlobRequestConditions { IfNoneMatch = ETag.All } : new BlobRequestConditions { IfMatch = before.ETag };
        try
        {
            await blob.CommitBlockListAsync(staged.BlockIds, new CommitBlockListOptions { HttpHeaders = headers, Metadata = metadata, Conditions = conditions }, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            const string superseded = "another run committed this window while this one pulled it; its answer was kept";
            logger.LogWarning("Window {Window} of {Vendor}: {Warning}", window, vendor.Name, superseded);
            return new LandingResult(name, LandingOutcome.Superseded, sink.Records, staged.Bytes, staged.Sha256) { Warnings = [.. sink.Warnings, superseded] };
        }
        await shrinks.ClearAsync(name, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Landed {Records} records of {Vendor} for {Window} at {Blob}", sink.Records, vendor.Name, window, name);
        return new LandingResult(name, LandingOutcome.Written, sink.Records, staged.Bytes, staged.Sha256) { Warnings = sink.Warnings };
    }

    private static async Task<Staged> PullAsync(ICdrVendor vendor, TimeWindow window, StagingSink sink, CancellationToken cancellationToken)
    {
        await vendor.PullAsync(window, sink, cancellationToken).ConfigureAwait(false);
        return await sink.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    private sealed record Existing(ETag ETag, string? Sha256, long Records);

    private static async Task<Existing?> ExistingAsync(BlockBlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            var props = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            return new Existing(props.ETag, RawBlobMetadata.Sha256Of(props.Metadata), RawBlobMetadata.RecordCountOf(props.Metadata) ?? 0);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>
    /// Lands one document that belongs to no window (a live lookup, a pushed report) at
    /// <c>{vendor}/{yyyy}/{MM}/{dd}/{stem}.{ext}</c> of the day it arrived; the normal normalize path reads it.
    /// </summary>
    public async Task<LandingResult> LandDocumentAsync(ICdrVendor vendor, string stem, ReadOnlyMemory<byte> content, int records, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var name = new RawBlobName(vendor.Name, new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero), RawBlobName.SafeStem(stem), vendor.RawExtension).Name;
        var blob = storage.Raw.GetBlockBlobClient(name);
        var sha = Convert.ToHexStringLower(SHA256.HashData(content.Span));
        if (await ExistingHashAsync(blob, cancellationToken).ConfigureAwait(false) == sha)
        {
            return new LandingResult(name, LandingOutcome.Unchanged, records, content.Length, sha);
        }
        var metadata = new RawBlobMetadata(vendor.Name, null, records, sha, now).ToDictionary();
        await blob.UploadAsync(new BinaryData(content).ToStream(), new BlobUploadOptions
        {
            Metadata = metadata,
            HttpHeaders = new BlobHttpHeaders { ContentType = vendor.RawExtension == "csv" ? "text/csv; charset=utf-8" : "application/json" },
        }, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Landed a {Vendor} document at {Blob}", vendor.Name, name);
        return new LandingResult(name, LandingOutcome.Written, records, content.Length, sha);
    }

    private static async Task<string?> ExistingHashAsync(BlockBlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            var props = await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return RawBlobMetadata.Sha256Of(props.Value.Metadata);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    private sealed record Staged(IReadOnlyList<string> BlockIds, long Bytes, string Sha256);

    private sealed class StagingSink(BlockBlobClient blob) : IRawSink, IAsyncDisposable
    {
        /// <summary>Makes this landing's block ids its own: a concurrent landing of the same window stages other ids.</summary>
        private readonly string _landingId = Guid.NewGuid().ToString("N");
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly List<string> _blockIds = [];
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
        private int _filled;
        private long _bytes;

        public long Records { get; private set; }

        public List<string> Warnings { get; } = [];

        public void AddRecords(int count) => Records += count;

        public void AddWarning(string warning) => Warnings.Add(warning);

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
        {
            _hash.AppendData(bytes.Span);
            _bytes += bytes.Length;
            while (!bytes.IsEmpty)
            {
                var take = Math.Min(bytes.Length, BlockSize - _filled);
                bytes[..take].CopyTo(_buffer.AsMemory(_filled));
                _filled += take;
                bytes = bytes[take..];
                if (_filled == BlockSize)
                {
                    await StageAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }

        private async Task StageAsync(CancellationToken cancellationToken)
        {
            // Block ids must have equal length within a blob; landing id + counter keeps them unique across runs.
            var id = Convert.ToBase64String(Encoding.ASCII.GetBytes(_landingId + _blockIds.Count.ToString("D6", CultureInfo.InvariantCulture)));
            using var content = new MemoryStream(_buffer, 0, _filled, writable: false);
            await blob.StageBlockAsync(id, content, cancellationToken: cancellationToken).ConfigureAwait(false);
            _blockIds.Add(id);
            _filled = 0;
        }

        public async Task<Staged> CompleteAsync(CancellationToken cancellationToken)
        {
            if (_filled > 0)
            {
                await StageAsync(cancellationToken).ConfigureAwait(false);
            }
            return new Staged(_blockIds, _bytes, Convert.ToHexStringLower(_hash.GetHashAndReset()));
        }

        public ValueTask DisposeAsync()
        {
            _hash.Dispose();
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
            return ValueTask.CompletedTask;
        }
    }
}
