using CdrFunctions.Pipeline.Local;
using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Pipeline.Pull;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using CdrFunctions.Tests.Integration;

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
        var poller = new RawBlobPoller(h.Storage, h.Services.GetRequiredService<RawBlobProcessor>(), NullLogger<RawBlobPoller>.Instance);
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
        var poller = new RawBlobPoller(h.Storage, h.Services.GetRequiredService<RawBlobProcessor>(), NullLogger<RawBlobPoller>.Instance);
        await h.Storage.EnsureCreatedAsync(CancellationToken.None);
        await h.Storage.Raw.UploadBlobAsync("alotech/2026/11/22/0900.json", BinaryData.FromString("<html>maintenance</html>"));
        await h.Storage.Raw.UploadBlobAsync("notes/readme.txt", BinaryData.FromString("hello"));

        Assert.Equal(new PollScanResult(2, 2, 0, 0), await poller.ScanAsync(CancellationToken.None));
        Assert.True((await h.Storage.Quarantine.GetBlobClient("unrecognized/notes/readme.txt.jsonl").ExistsAsync()).Value);
        Assert.Equal(0, (await poller.ScanAsync(CancellationToken.None)).Processed);
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
