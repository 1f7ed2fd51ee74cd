using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Pipeline.Storage;
using CdrFunctions.Simulators.Alotech;
using CdrFunctions.Tests.Cli;
using CdrFunctions.Tests.Integration;

namespace CdrFunctions.Tests.Robustness;

/// <summary>
/// Issue #11's crash test: the real <c>cdr</c> process, against the shared Azurite and the Alotech simulator, is
/// killed with SIGKILL in the middle of a pull and, separately, in the middle of a normalization, then run
/// again; every simulator call ends up landed exactly once (one by-id row, one curated CSV row). The kill
/// points come from storage and simulator state, not from sleeps: mid-pull is "a window committed and the
/// simulator holding another window's request", mid-normalization is "a window's curated file written and
/// later windows not yet".
/// </summary>
[Collection(AzuriteCollection.Name)]
public class CrashTests
{
    private static readonly DateTimeOffset From = new(2026, 11, 21, 0, 0, 0, TimeSpan.Zero);
    private const int PullWindows = 8;
    private const int NormalizeWindows = 4;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Killed_in_the_middle_of_a_pull_then_run_again_lands_every_call_once()
    {
        var storage = await AzuriteFixture.NewStorageAsync();
        // Small pages so each window is several requests (the client follows the cursor to an empty page).
        await using var simulator = await AlotechSimulator.StartAsync(new AlotechSimulatorOptions { PageSize = 25 });
        var env = Environment(storage, simulator);
        env["Vendors__Alotech__PageSize"] = "25";
        var cdr = CdrStorage.FromConnectionString(storage);
        var range = Range(PullWindows);

        using (var pull = LiveCdrProcess.Start(env, ["pull", "--vendor", "alotech", .. range]))
        {
            await UntilAsync(async () => (await RawBlobsAsync(cdr)).Count >= 1, pull, "a first window to be committed");
            // From now on the vendor holds every request: the next window's request is in flight when the process dies.
            var served = simulator.State.Pacing.AdmittedRequests;
            simulator.State.Pacing.Latency = TimeSpan.FromMinutes(10);
            await UntilAsync(() => Task.FromResult(simulator.State.Pacing.AdmittedRequests > served), pull, "a request to be held by the simulator");
            pull.Kill();
        }
        simulator.State.Pacing.Latency = TimeSpan.Zero;
        var landed = (await RawBlobsAsync(cdr)).Count;
        Assert.InRange(landed, 1, PullWindows - 1);

        // The killed run could not release the vendor's run lease; its process is gone, so the next run on this
        // machine takes the lease over at once (instead of waiting up to PullRunner.LeaseDuration) and says so.
        var again = await CdrProcess.RunAsync(env, ["pull", "--vendor", "alotech", .. range]);
        Assert.True(again.ExitCode == 0, again.Stdout + again.Stderr);
        Assert.Contains("took over the run lease", again.Stdout, StringComparison.Ordinal);
        Assert.Contains($"{PullWindows} window(s)", again.Stdout, StringComparison.Ordinal);
        Assert.Equal(PullWindows, (await RawBlobsAsync(cdr)).Count);

        var normalize = await CdrProcess.RunAsync(env, ["normalize", "--vendor", "alotech", .. range]);
        Assert.True(normalize.ExitCode == 0, normalize.Stdout + normalize.Stderr);
        await AssertEveryCallOnceAsync(cdr, simulator, PullWindows);
    }

    [Fact]
    public async Task Killed_in_the_middle_of_a_normalization_then_run_again_lands_every_call_once()
    {
        var storage = await AzuriteFixture.NewStorageAsync();
        // Many calls per window, so normalizing one window takes a while (a few thousand table operations).
        await using var simulator = await AlotechSimulator.StartAsync(new AlotechSimulatorOptions { CallsPerHour = 400 });
        var env = Environment(storage, simulator);
        var cdr = CdrStorage.FromConnectionString(storage);
        var range = Range(NormalizeWindows);
        var pull = await CdrProcess.RunAsync(env, ["pull", "--vendor", "alotech", .. range]);
        Assert.True(pull.ExitCode == 0, pull.Stdout + pull.Stderr);

        using (var normalize = LiveCdrProcess.Start(env, ["normalize", "--vendor", "alotech", .. range]))
        {
            // Windows are normalized one after another: once the first one's curated file is written, the next is under way.
            await UntilAsync(async () => (await CuratedCsvsAsync(cdr)).Count >= 1, normalize, "a first window to be normalized");
            normalize.Kill();
        }
        Assert.InRange((await CuratedCsvsAsync(cdr)).Count, 1, NormalizeWindows - 1);

        var again = await CdrProcess.RunAsync(env, ["normalize", "--vendor", "alotech", .. range]);
        Assert.True(again.ExitCode == 0, again.Stdout + again.Stderr);
        await AssertEveryCallOnceAsync(cdr, simulator, NormalizeWindows);
    }

    private static string[] Range(int windows) => ["--from", From.ToString("O"), "--to", From.AddHours(windows).ToString("O")];

    private static Dictionary<string, string> Environment(string storage, AlotechSimulator simulator) => new()
    {
        ["CdrStorage"] = storage,
        ["Vendors__Alotech__Enabled"] = "true",
        ["Vendors__Alotech__BaseUrl"] = simulator.BaseUrl.AbsoluteUri,
        ["Vendors__Alotech__AppToken"] = simulator.State.Options.AppToken,
    };

    /// <summary>Every valid simulator call of the range: exactly one by-id row and exactly one row over all curated CSVs.</summary>
    private static async Task AssertEveryCallOnceAsync(CdrStorage cdr, AlotechSimulator simulator, int windows)
    {
        var expected = simulator.ValidCallsBetween(From, From.AddHours(windows)).Select(c => c.Key).Order(StringComparer.Ordinal).ToList();
        Assert.True(expected.Count > windows * 10, $"only {expected.Count} simulator calls");

        var byId = new List<string>();
        await foreach (var row in cdr.Calls.QueryAsync<TableEntity>(e => e.PartitionKey.CompareTo("id|alotech|") >= 0 && e.PartitionKey.CompareTo("id|alotech|~") < 0))
        {
            byId.Add(row.RowKey);
        }
        Assert.Equal(expected, byId.Order(StringComparer.Ordinal).ToList());

        var curated = new List<string>();
        foreach (var name in await CuratedCsvsAsync(cdr))
        {
            await using var content = (await cdr.Curated.GetBlobClient(name).DownloadStreamingAsync()).Value.Content;
            curated.AddRange((await CuratedCsv.ReadAsync(content, CancellationToken.None)).Select(r => r.CallId));
        }
        Assert.Equal(expected, curated.Order(StringComparer.Ordinal).ToList());
    }

    private static async Task<List<string>> RawBlobsAsync(CdrStorage cdr) => await NamesAsync(cdr.Raw, "alotech/", ".json");

    private static async Task<List<string>> CuratedCsvsAsync(CdrStorage cdr) => await NamesAsync(cdr.Curated, "calls/", ".csv");

    private static async Task<List<string>> NamesAsync(Azure.Storage.Blobs.BlobContainerClient container, string prefix, string extension)
    {
        var names = new List<string>();
        if (!await container.ExistsAsync())
        {
            return names;
        }
        await foreach (var b in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, CancellationToken.None))
        {
            if (b.Name.EndsWith(extension, StringComparison.Ordinal))
            {
                names.Add(b.Name);
            }
        }
        return names;
    }

    /// <summary>Polls <paramref name="condition"/> (storage or simulator state) while the process runs.</summary>
    private static async Task UntilAsync(Func<Task<bool>> condition, LiveCdrProcess process, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"waited for {what}; the process {(process.HasExited ? $"exited ({process.ExitCode})" : "is still running")}.\nstdout:\n{process.Stdout}\nstderr:\n{process.Stderr}");
            }
            await Task.Delay(25);
        }
    }
}
