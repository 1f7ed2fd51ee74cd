using System.Diagnostics;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using CdrFunctions.Pipeline.Landing;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Pipeline.Vendors;
using CdrFunctions.Tests.Integration;
using Microsoft.Extensions.DependencyInjection;

namespace CdrFunctions.Tests.Robustness;

/// <summary>
/// Issue #11: two landings of one window at once (two runs, or a run and a backfill in two processes) staged
/// blocks under the same ids, and a mixed commit then read as "unchanged" forever. Both landings here pull the
/// real Alotech simulator, have read the landed blob (Azurite answered both reads) and are held at the end of
/// their pull; the first released commits and wins, the other ends <see cref="LandingOutcome.Superseded"/>,
/// leaving one whole, consistent blob.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class LandingRaceTests
{
    private static readonly TimeWindow Window = new(new DateTimeOffset(2026, 11, 21, 21, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 21, 22, 0, 0, TimeSpan.Zero));
    private static readonly CancellationToken None = CancellationToken.None;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Two_landings_of_one_window_end_with_one_consistent_blob_and_the_loser_superseded(bool alreadyLanded)
    {
        await using var h = await AlotechHarness.StartAsync();
        var lander = h.Services.GetRequiredService<RawLander>();
        var alotech = h.Services.GetRequiredService<VendorCatalog>().Get("alotech");
        if (alreadyLanded)
        {
            // A re-pull race: both read the same landed blob (an older answer, one trailing space apart).
            var older = new HeldVendor(alotech, " "u8.ToArray());
            older.Release();
            Assert.Equal(LandingOutcome.Written, (await lander.LandAsync(older, Window, None)).Outcome);
        }

        // A race means both read the blob as it was before either commits: a landing that read it after the
        // winner's commit would (rightly) find it unchanged. So the first commit waits for both reads.
        using var reads = new BlobReads(h.Storage.Raw.GetBlobClient(RawBlobName.ForWindow("alotech", Window, alotech.RawExtension).Name).Uri);
        var first = new HeldVendor(alotech);
        var second = new HeldVendor(alotech);
        var landingFirst = Task.Run(() => lander.LandAsync(first, Window, None));
        var landingSecond = Task.Run(() => lander.LandAsync(second, Window, None));
        await Task.WhenAll(first.Pulled, second.Pulled, reads.AtLeastAsync(2)).WaitAsync(TimeSpan.FromMinutes(1));

        first.Release();
        var winner = await landingFirst;
        second.Release();
        var loser = await landingSecond;

        Assert.Equal(LandingOutcome.Written, winner.Outcome);
        Assert.Equal(LandingOutcome.Superseded, loser.Outcome);
        Assert.Contains(loser.Warnings, w => w.Contains("another run committed this window", StringComparison.Ordinal));

        // One consistent blob: the winner's blocks only, its bytes hash to the metadata's hash and hold its records.
        var blob = h.Storage.Raw.GetBlockBlobClient(winner.BlobName);
        var blocks = (await blob.GetBlockListAsync(BlockListTypes.Committed)).Value.CommittedBlocks.Select(b => b.Name).ToList();
        Assert.NotEmpty(blocks);
        Assert.Single(blocks.Select(b => Convert.FromBase64String(b)).Select(b => System.Text.Encoding.ASCII.GetString(b)[..32]).Distinct());
        var content = (await blob.DownloadContentAsync()).Value;
        Assert.Equal(winner.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content.Content.ToArray())));
        Assert.Equal(winner.Sha256, RawBlobMetadata.Sha256Of(content.Details.Metadata));

        // The next landing finds it as the winner left it: unchanged.
        Assert.Equal(LandingOutcome.Unchanged, (await lander.LandAsync(alotech, Window, None)).Outcome);
    }

    /// <summary>
    /// Counts the answers Azurite gave to reads of one blob's properties (HEAD), as this process's HTTP client
    /// reports them: an observer of the real requests, so the test can order a commit after the reads.
    /// </summary>
    private sealed class BlobReads : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly string _url;
        private readonly Lock _gate = new();
        private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];
        private int _count;

        public BlobReads(Uri blob)
        {
            _url = blob.GetLeftPart(UriPartial.Path);
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == "System.Net.Http",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
                ActivityStopped = Stopped,
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public Task AtLeastAsync(int count)
        {
            lock (_gate)
            {
                if (_count >= count)
                {
                    return Task.CompletedTask;
                }
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((count, done));
                return done.Task;
            }
        }

        private void Stopped(Activity activity)
        {
            if (activity.GetTagItem("http.request.method") as string != "HEAD"
                || activity.GetTagItem("url.full") is not string url || !url.StartsWith(_url, StringComparison.Ordinal))
            {
                return;
            }
            lock (_gate)
            {
                _count++;
                foreach (var waiter in _waiters.Where(w => w.Count <= _count))
                {
                    waiter.Done.TrySetResult();
                }
            }
        }

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>The real vendor, held after its pull (blocks staged, not committed) until the test releases it.</summary>
    private sealed class HeldVendor(ICdrVendor inner, byte[]? suffix = null) : ICdrVendor
    {
        private readonly TaskCompletionSource _pulled = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Pulled => _pulled.Task;

        public void Release() => _release.TrySetResult();

        public string Name => inner.Name;

        public string RawExtension => inner.RawExtension;

        public PullSchedule Schedule => inner.Schedule;

        public bool IsConfigured => inner.IsConfigured;

        public async Task PullAsync(TimeWindow window, IRawSink sink, CancellationToken cancellationToken)
        {
            await inner.PullAsync(window, sink, cancellationToken);
            if (suffix is not null)
            {
                await sink.WriteAsync(suffix, cancellationToken);
            }
            _pulled.TrySetResult();
            await _release.Task.WaitAsync(cancellationToken);
        }

        public IAsyncEnumerable<ParseResult> ParseAsync(Stream raw, RawFileInfo file, CancellationToken cancellationToken) =>
            inner.ParseAsync(raw, file, cancellationToken);
    }
}
