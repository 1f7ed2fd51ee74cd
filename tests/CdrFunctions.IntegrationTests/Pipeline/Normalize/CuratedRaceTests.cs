using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using CdrFunctions.Pipeline.Landing;
using CdrFunctions.Pipeline.Storage;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Tests.Integration;

namespace CdrFunctions.Tests.Pipeline.Normalize;

/// <summary>
/// Issue #11: two normalizations at the same moment. One resolved its owners, then a second took a call over (or
/// gave one up) and rewrote the first one's curated files; the first one's upload, from its older snapshot,
/// landed last. The call was then in two curated files (or in none) until a blob was normalized again. Here
/// the first upload is held in the storage client's pipeline while the second normalization runs to its end.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class CuratedRaceTests
{
    private static readonly DateTimeOffset Day = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeWindow W8 = new(Day.AddHours(8), Day.AddHours(9));
    private static readonly WorldCall Pulled = new("R", W8.Start.AddMinutes(7), "pulled-agent");
    private static readonly WorldCall Pushed = Pulled with { Agent = "pushed-agent" };

    [Fact]
    public async Task A_call_taken_over_while_its_old_owner_uploads_ends_in_one_curated_file()
    {
        using var hold = new HeldUpload();
        await using var world = await OwnershipWorld.StartAsync(hold.Storage);
        var push = await world.LandDocumentAsync("push-R", Pushed, Day, pulledAt: Day.AddHours(9));
        var window = await world.LandWindowAsync(W8, [Pulled], pulledAt: Day.AddHours(10));

        // The push resolves R as its own (the window has not claimed it yet) and is held at its upload.
        hold.Hold(CuratedParquetOf(push));
        var pushing = world.NormalizeAsync(push);
        await hold.Arrived.WaitAsync(TimeSpan.FromMinutes(1));
        // The window takes R over and rewrites the push's files without it; then the push's stale upload lands.
        await world.NormalizeAsync(window);
        hold.Release();
        await pushing;

        var rows = CuratedRows(await world.CuratedAsync(), "R");
        Assert.Equal([CuratedCsvOf(window)], rows.Select(r => r.File));
        Assert.Contains("pulled-agent", rows[0].Line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_handed_over_while_its_new_owner_uploads_is_not_lost_from_the_curated_output()
    {
        using var hold = new HeldUpload();
        await using var world = await OwnershipWorld.StartAsync(hold.Storage);
        var window = await world.LandWindowAsync(W8, [Pulled], pulledAt: Day.AddHours(10));
        await world.NormalizeAsync(window);
        var push = await world.LandDocumentAsync("push-R", Pushed, Day, pulledAt: Day.AddHours(9));

        // The push finds R owned by the window (nothing to write) and is held at its upload.
        hold.Hold(CuratedParquetOf(push));
        var pushing = world.NormalizeAsync(push);
        await hold.Arrived.WaitAsync(TimeSpan.FromMinutes(1));
        // The vendor's re-pull drops R: the push becomes its owner and its files are rewritten with R; then the
        // push's own upload, from the snapshot without R, lands.
        await world.LandWindowAsync(W8, [], pulledAt: Day.AddHours(11));
        await world.NormalizeAsync(window);
        hold.Release();
        await pushing;

        var rows = CuratedRows(await world.CuratedAsync(), "R");
        Assert.Equal([CuratedCsvOf(push)], rows.Select(r => r.File));
        Assert.Contains("pushed-agent", rows[0].Line, StringComparison.Ordinal);
    }

    private static RawBlobName NameOf(string rawBlob) =>
        RawBlobName.TryParse(rawBlob, out var name) ? name : throw new ArgumentException(rawBlob);

    private static string CuratedParquetOf(string rawBlob) => NameOf(rawBlob).CuratedParquetName;

    private static string CuratedCsvOf(string rawBlob) => NameOf(rawBlob).CuratedName;

    /// <summary>The curated CSV lines of one call, with the file that holds each.</summary>
    private static List<(string File, string Line)> CuratedRows(Dictionary<string, string> curated, string callId) =>
        [.. curated.SelectMany(f => f.Value.Split('\n').Skip(1).Where(l => l.Split(',') is { Length: > 1 } cells && cells[1] == callId)
            .Select(l => (f.Key, l)))];

    /// <summary>
    /// Storage whose blob client holds the first upload of one blob until released: the real Azurite requests,
    /// paused in the SDK's pipeline, so the test orders them.
    /// </summary>
    private sealed class HeldUpload : HttpPipelinePolicy, IDisposable
    {
        private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private string? _path;
        private int _held;

        public Task Arrived => _arrived.Task;

        public void Hold(string curatedBlob) => _path = $"/{CdrStorageNames.CuratedContainer}/{curatedBlob}";

        public void Release() => _release.TrySetResult();

        public CdrStorage Storage(string connectionString)
        {
            var options = new BlobClientOptions();
            options.AddPolicy(this, HttpPipelinePosition.PerCall);
            return new CdrStorage(new BlobServiceClient(connectionString, options), new TableServiceClient(connectionString), "held");
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (IsHeld(message) && Interlocked.Exchange(ref _held, 1) == 0)
            {
                _arrived.TrySetResult();
                await _release.Task.WaitAsync(TimeSpan.FromMinutes(2)).ConfigureAwait(false);
            }
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }

        private bool IsHeld(HttpMessage message) =>
            _path is { } path && message.Request.Method == RequestMethod.Put
            && Uri.UnescapeDataString(message.Request.Uri.Path).EndsWith(path, StringComparison.Ordinal);

        public void Dispose() => _release.TrySetResult();
    }
}
