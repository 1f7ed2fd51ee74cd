using CdrFunctions.Pipeline.Local;
using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Pipeline.Pull;
using Azure.Storage.Blobs.Specialized;
using CdrFunctions.Vendors;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using CdrFunctions.Tests.Integration;
using Microsoft.Extensions.Options;

namespace CdrFunctions.Tests.Hosting;

/// <summary>The jobs `cdr run` and the Functions triggers share: the raw blob poller and the scheduled-pull entry point.</summary>
[Collection(AzuriteCollection.Name)]
public class LocalJobsTests
{
    private static readonly DateTimeOffset From = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_poller_normalizes_new_and_changed_blobs_once_per_etag()
    {
        await using var h = await AlotechHarness.StartAsync();
        var poller = new RawBlobPoller(h.Storage, h.Services.GetRequiredService<RawBlobProcessor>(), Options.Create(new LocalRunOptions()), NullLogger<RawBlobPoller>.Instance);
        await h.Runner.BackfillAsync("alotech", From, To, null, CancellationToken.None);

        var first = await poller.ScanAsync(CancellationToken.None);
        Assert.Equal(new PollScanResult(2, 2, 0, 0), first);
        var key = h.Simulator.ValidCallsBetween(From, To)[0].Key;
        Assert.NotNull(await h.Lookup.GetAsync("alotech", key, CancellationToken.None));

        Assert.Equal(0, (await poller.ScanAsync(CancellationToken.None)).Processed);

        // Re-uploading gives the blob a new ETag: it is normalized again, the other one is not.
        var blob = h.Storage.Raw.GetBlobClient("alotech/2026/11/22/0800.json");
        var content = (await blob.DownloadContentAsync()).Value;
        await blob.UploadAsync(content.Content, new Azure.Storage.Blobs.Models.BlobUploadOptions { Metadata = content.Details.Metadata });
        Assert.Equal(1, (await poller.ScanAsync(CancellationToken.None)).Processed);
    }

    [Fact]
    public async Task A_blob_with_bad_data_or_a_foreign_name_is_quarantined_not_retried()
    {
        await using var h = await AlotechHarness.StartAsync();
        var poller = new RawBlobPoller(h.Storage, h.Services.GetRequiredService<RawBlobProcessor>(), Options.Create(new LocalRunOptions()), NullLogger<RawBlobPoller>.Instance);
        await h.Storage.EnsureCreatedAsync(CancellationToken.None);
        await h.Storage.Raw.UploadBlobAsync("alotech/2026/11/22/0900.json", BinaryData.FromString("<html>maintenance</html>"));
        await h.Storage.Raw.UploadBlobAsync("notes/readme.txt", BinaryData.FromString("hello"));

        Assert.Equal(new PollScanResult(2, 2, 0, 0), await poller.ScanAsync(CancellationToken.None));
        Assert.True((await h.Storage.Quarantine.GetBlobClient("unrecognized/notes/readme.txt.jsonl").ExistsAsync()).Value);
        Assert.Equal(0, (await poller.ScanAsync(CancellationToken.None)).Processed);
    }

    [Fact]
    public async Task A_blob_that_keeps_failing_is_given_up_after_the_configured_attempts_and_the_scan_goes_on()
    {
        // #11: one failing blob stopped `cdr run`'s poller, so every blob after it waited forever.
        await using var h = await AlotechHarness.StartAsync();
        await using var local = LocalRun(h, new Dictionary<string, string?> { ["Run:MaxNormalizeAttempts"] = "2" });
        var poller = local.GetRequiredService<RawBlobPoller>();
        await h.Runner.BackfillAsync("alotech", From, To, null, CancellationToken.None);

        // A real storage failure: the 08:00 window's curated CSV is leased by someone else, so its upload fails (412).
        await h.Storage.EnsureCreatedAsync(CancellationToken.None);
        var curated = h.Storage.Curated.GetBlobClient("calls/2026/11/22/alotech_0800.csv");
        await curated.UploadAsync(BinaryData.FromString(""));
        var lease = curated.GetBlobLeaseClient();
        await lease.AcquireAsync(BlobLeaseClient.InfiniteLeaseDuration);

        // The 09:00 blob sorts after the failing one and is normalized in the first scan all the same.
        Assert.Equal(new PollScanResult(2, 1, 1, 0), await poller.ScanAsync(CancellationToken.None));
        var at0900 = h.Simulator.ValidCallsBetween(From.AddHours(1), To)[0].Key;
        Assert.NotNull(await h.Lookup.GetAsync("alotech", at0900, CancellationToken.None));
        Assert.Equal(new PollScanResult(2, 0, 1, 0), await poller.ScanAsync(CancellationToken.None));
        // Two failures: given up on (Run:MaxNormalizeAttempts), not tried again while the blob is unchanged.
        Assert.Equal(new PollScanResult(2, 0, 0, 1), await poller.ScanAsync(CancellationToken.None));
        await lease.ReleaseAsync();
        Assert.Equal(new PollScanResult(2, 0, 0, 1), await poller.ScanAsync(CancellationToken.None));
        var status = await local.GetRequiredService<BlobStatusStore>().GetAsync("alotech/2026/11/22/0800.json", CancellationToken.None);
        Assert.Equal(BlobStatus.Failed, status?.Outcome);
        Assert.Contains("storage error 412", status!.Reason, StringComparison.Ordinal);

        // A new version of the blob gets its attempts again.
        var raw = h.Storage.Raw.GetBlobClient("alotech/2026/11/22/0800.json");
        var content = (await raw.DownloadContentAsync()).Value;
        await raw.UploadAsync(content.Content, new Azure.Storage.Blobs.Models.BlobUploadOptions { Metadata = content.Details.Metadata });
        Assert.Equal(new PollScanResult(2, 1, 0, 0), await poller.ScanAsync(CancellationToken.None));
        var at0800 = h.Simulator.ValidCallsBetween(From, From.AddHours(1))[0].Key;
        Assert.NotNull(await h.Lookup.GetAsync("alotech", at0800, CancellationToken.None));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    public async Task The_attempt_count_is_validated(string attempts)
    {
        await using var h = await AlotechHarness.StartAsync();
        await using var local = LocalRun(h, new Dictionary<string, string?> { ["Run:MaxNormalizeAttempts"] = attempts });
        var e = Assert.Throws<OptionsValidationException>(() => local.GetRequiredService<IOptions<LocalRunOptions>>().Value);
        Assert.Contains("MaxNormalizeAttempts", e.Message, StringComparison.Ordinal);
    }

    /// <summary>The harness's graph plus what `cdr run` adds (<see cref="LocalRunServiceCollectionExtensions.AddCdrLocalRun"/>), on <paramref name="settings"/>.</summary>
    private static ServiceProvider LocalRun(AlotechHarness h, IReadOnlyDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(h.Config).AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(h.Time);
        services.AddCdrFunctions(configuration);
        services.AddCdrLocalRun(configuration);
        return services.BuildServiceProvider(validateScopes: true);
    }

    [Fact]
    public async Task A_timer_for_a_vendor_not_in_this_build_does_nothing_and_warns_once()
    {
        await using var h = await AlotechHarness.StartAsync();
        var pull = h.Services.GetRequiredService<ScheduledPull>();
        var first = await pull.RunAsync("retiredvendor", false, CancellationToken.None);
        Assert.Equal(PullRunStatus.Skipped, first.Status);
        Assert.Equal(["vendor retiredvendor is not registered"], first.Warnings);
        Assert.Equal(PullRunStatus.Skipped, (await pull.RunAsync("retiredvendor", false, CancellationToken.None)).Status);
        Assert.Single(h.Logs.GetSnapshot(), l => l.Level == LogLevel.Warning && l.Message.Contains("no such vendor is registered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_timer_for_a_registered_vendor_that_is_switched_off_does_nothing_and_warns_once()
    {
        await using var h = await AlotechHarness.StartAsync();
        var pull = h.Services.GetRequiredService<ScheduledPull>();
        var first = await pull.RunAsync("deepcall", false, CancellationToken.None);
        Assert.Equal(PullRunStatus.Skipped, first.Status);
        Assert.Contains("switched off", Assert.Single(first.Warnings), StringComparison.Ordinal);
        Assert.Equal(PullRunStatus.Skipped, (await pull.RunAsync("deepcall", false, CancellationToken.None)).Status);
        Assert.Single(h.Logs.GetSnapshot(), l => l.Level == LogLevel.Warning && l.Message.Contains("switched off", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_past_due_timer_is_logged_and_still_pulls()
    {
        await using var h = await AlotechHarness.StartAsync();
        var result = await h.Services.GetRequiredService<ScheduledPull>().RunAsync("alotech", isPastDue: true, CancellationToken.None);
        Assert.Equal(PullRunStatus.Completed, result.Status);
        Assert.Contains(h.Logs.GetSnapshot(), l => l.Level == LogLevel.Warning && l.Message.Contains("past due", StringComparison.Ordinal));
        Assert.Contains(h.Logs.GetSnapshot(), l => l.Message.Contains("Scheduled pull alotech: Completed", StringComparison.Ordinal));
    }
}
