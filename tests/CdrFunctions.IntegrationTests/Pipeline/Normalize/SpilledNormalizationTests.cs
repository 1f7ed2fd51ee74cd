using System.Globalization;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using CdrFunctions.Pipeline.Storage;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Tests.Integration;

namespace CdrFunctions.Tests.Pipeline.Normalize;

/// <summary>
/// Issue #14 (flat memory): a window with more calls than <c>Normalize:RecordsInMemory</c> keeps the rest in a
/// temporary file and only their keys in memory. It must end exactly as a window held in memory ends: the same rows,
/// the same curated CSV and Parquet bytes, quarantine and claims, through duplicates, strays, a push taking a call the
/// window drops and a re-pull; and its temporary files are gone afterwards, also when the normalization fails.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class SpilledNormalizationTests
{
    private static readonly DateTimeOffset Day = new(2026, 11, 27, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeWindow W10 = new(Day.AddHours(10), Day.AddHours(11));
    private static readonly TimeWindow W11 = new(Day.AddHours(11), Day.AddHours(12));

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public async Task A_window_over_the_in_memory_limit_ends_exactly_like_one_held_in_memory(int recordsInMemory)
    {
        var folder = NewFolder();
        try
        {
            var inMemory = await RunHistoryAsync(new Dictionary<string, string?>());
            var spilled = await RunHistoryAsync(new Dictionary<string, string?>
            {
                ["Normalize:RecordsInMemory"] = recordsInMemory.ToString(CultureInfo.InvariantCulture),
                ["Normalize:TempDirectory"] = folder,
            });

            // The history does what it says: duplicates, a confirmed and an unconfirmed stray, a call handed to the push.
            Assert.Contains("30 call(s) (30 owned), 0 quarantined, 2 duplicate(s)", inMemory.Results[0], StringComparison.Ordinal);
            Assert.Contains("2 outside the window (1 unconfirmed)", inMemory.Results[1], StringComparison.Ordinal);
            Assert.Contains("29 call(s) (29 owned)", inMemory.Results[3], StringComparison.Ordinal);
            Assert.Contains(",a010,", System.Text.Encoding.UTF8.GetString(inMemory.Curated.Single(f => f.Key.Contains("push-dropped", StringComparison.Ordinal) && f.Key.EndsWith(".csv", StringComparison.Ordinal)).Value), StringComparison.Ordinal);
            Assert.Equal(inMemory.Results, spilled.Results);
            OwnershipWorld.AssertSame(inMemory.Table, spilled.Table, "table", $"{recordsInMemory} records in memory");
            OwnershipWorld.AssertSame(inMemory.Claims, spilled.Claims, "claims", $"{recordsInMemory} records in memory");
            OwnershipWorld.AssertSame(inMemory.Quarantine, spilled.Quarantine, "quarantine", $"{recordsInMemory} records in memory");
            Assert.Equal(inMemory.Curated.Keys.Order(StringComparer.Ordinal), spilled.Curated.Keys.Order(StringComparer.Ordinal));
            foreach (var (name, bytes) in inMemory.Curated)
            {
                Assert.True(bytes.AsSpan().SequenceEqual(spilled.Curated[name]), $"{name} differs");
            }
            Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("CdrClaims")]
    [InlineData(CdrStorageNames.CuratedContainer)]
    public async Task Temporary_files_are_removed_when_the_normalization_fails(string failingPath)
    {
        var folder = NewFolder();
        try
        {
            var failure = new Failure(failingPath);
            await using var world = await OwnershipWorld.StartAsync(failure.Storage, new Dictionary<string, string?>
            {
                ["Normalize:RecordsInMemory"] = "0",
                ["Normalize:TempDirectory"] = folder,
            });
            var window = await world.LandWindowAsync(W10, Calls(W10, 40, "a"), Day.AddHours(12));

            failure.Armed = true;
            await Assert.ThrowsAnyAsync<Exception>(() => world.NormalizeAsync(window));

            Assert.True(failure.Failed > 0, $"no request to {failingPath} was made");
            Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Windows with duplicates and a stray, a push, a re-pull that drops a call and changes another, in one world.</summary>
    private static async Task<State> RunHistoryAsync(IReadOnlyDictionary<string, string?> settings)
    {
        await using var world = await OwnershipWorld.StartAsync(settings: settings);
        var results = new List<string>();
        var first = Calls(W10, 30, "a");
        // A later copy of an id replaces the earlier one, in memory or spilled.
        first.Add(first[3] with { Agent = "agent-late-copy" });
        first.Add(first[25] with { Agent = "agent-late-copy-2" });
        var w10 = await world.LandWindowAsync(W10, first, Day.AddHours(12));
        results.Add((await world.NormalizeWithResultAsync(w10)).Summary);

        // The next window returns W10's last call too (a stray W10 confirms) and one W10 lacks (unconfirmed).
        var next = Calls(W11, 12, "b");
        next.Add(first[29]);
        next.Add(new WorldCall("stray-unheld", W10.Start.AddMinutes(59), "agent-s"));
        var w11 = await world.LandWindowAsync(W11, next, Day.AddHours(13));
        results.Add((await world.NormalizeWithResultAsync(w11)).Summary);

        // A push for a call W10 holds loses to the window; when the re-pull drops the call, the push owns it.
        var push = await world.LandDocumentAsync("push-dropped", first[10], Day, Day.AddHours(12).AddMinutes(30));
        results.Add((await world.NormalizeWithResultAsync(push)).Summary);
        var again = first.Where((_, i) => i != 10).Select((c, i) => i == 5 ? c with { Agent = "agent-changed" } : c).ToList();
        await world.LandWindowAsync(W10, again, Day.AddHours(14));
        results.Add((await world.NormalizeWithResultAsync(w10)).Summary);

        var curated = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await foreach (var item in world.Storage.Curated.GetBlobsAsync())
        {
            curated[item.Name] = (await world.Storage.Curated.GetBlobClient(item.Name).DownloadContentAsync()).Value.Content.ToArray();
        }
        return new State(results, await world.TableAsync(), await world.ClaimsAsync(), await world.QuarantineAsync(), curated);
    }

    private static List<WorldCall> Calls(TimeWindow window, int count, string prefix) =>
        [.. Enumerable.Range(0, count).Select(i => new WorldCall($"{prefix}{i:D3}", window.Start.AddSeconds(97 * i % 3600), $"agent-{i % 4}"))];

    private static string NewFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "cdr-spill-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    private sealed record State(
        List<string> Results, Dictionary<string, string> Table, Dictionary<string, string> Claims, Dictionary<string, string> Quarantine, Dictionary<string, byte[]> Curated);

    /// <summary>Once armed, fails every storage request whose path names <paramref name="path"/>.</summary>
    private sealed class Failure(string path) : HttpPipelinePolicy
    {
        private int _failed;

        public bool Armed { get; set; }

        public int Failed => Volatile.Read(ref _failed);

        public CdrStorage Storage(string connectionString)
        {
            var blobOptions = new BlobClientOptions();
            blobOptions.AddPolicy(this, HttpPipelinePosition.PerCall);
            blobOptions.Retry.MaxRetries = 0;
            var tableOptions = new TableClientOptions();
            tableOptions.AddPolicy(this, HttpPipelinePosition.PerCall);
            tableOptions.Retry.MaxRetries = 0;
            return new CdrStorage(new BlobServiceClient(connectionString, blobOptions), new TableServiceClient(connectionString, tableOptions), "failing");
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Check(message);
            ProcessNext(message, pipeline);
        }

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Check(message);
            return ProcessNextAsync(message, pipeline);
        }

        private void Check(HttpMessage message)
        {
            if (Armed && message.Request.Uri.Path.Contains(path, StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _failed);
                throw new IOException($"storage is unreachable (test): {message.Request.Uri.Path}");
            }
        }
    }
}
