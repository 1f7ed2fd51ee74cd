using CdrFunctions.Pipeline.Landing;
using CdrFunctions.Pipeline.Pull;
using CdrFunctions.Simulators.Alotech;
using Microsoft.Extensions.DependencyInjection;
using CdrFunctions.Tests.Integration;

namespace CdrFunctions.Tests.Pipeline.Pull;

/// <summary>The timer's job: checkpoints, lookback, settle delay, per-run cap, leases, failures.</summary>
[Collection(AzuriteCollection.Name)]
public class ScheduledPullTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 7, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Midnight = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken None = CancellationToken.None;

    private static Dictionary<string, string?> Schedule(int maxWindows) => new()
    {
        ["Vendors:Alotech:StartFrom"] = "2026-11-22T00:00:00Z",
        ["Vendors:Alotech:MaxWindowsPerRun"] = maxWindows.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Vendors:Alotech:Lookback"] = "02:00:00",
        ["Vendors:Alotech:SettleDelay"] = "00:15:00",
    };

    private static async Task<DateTimeOffset> CheckpointAsync(AlotechHarness h) =>
        (await h.Services.GetRequiredService<CheckpointStore>().GetAsync("alotech", None))!.Watermark;

    [Fact]
    public async Task Runs_advance_the_checkpoint_window_by_window_with_lookback_settle_and_cap()
    {
        await using var h = await AlotechHarness.StartAsync(settings: Schedule(maxWindows: 5), now: Now);

        var first = await h.Runner.RunScheduledAsync("alotech", null, None);
        Assert.Equal(PullRunStatus.Completed, first.Status);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => Midnight.AddHours(i)), first.Windows.Select(w => w.Window.Start));
        Assert.All(first.Windows, w => Assert.False(w.Repull));
        Assert.Equal(Midnight.AddHours(5), await CheckpointAsync(h));

        var second = await h.Runner.RunScheduledAsync("alotech", null, None);
        Assert.Equal([3, 4, 5, 6, 7, 8, 9], second.Windows.Select(w => w.Window.Start.Hour));
        Assert.All(second.Windows.Take(2), w => Assert.True(w.Repull && w.Outcome == LandingOutcome.Unchanged));
        Assert.Equal(Midnight.AddHours(10), await CheckpointAsync(h));

        // 12:07 minus 15 minutes of settling: the 11:00 window is not due yet.
        var third = await h.Runner.RunScheduledAsync("alotech", null, None);
        Assert.Equal([8, 9, 10], third.Windows.Select(w => w.Window.Start.Hour));
        Assert.Equal(Midnight.AddHours(11), await CheckpointAsync(h));

        h.Time.SetUtcNow(Now.AddMinutes(70));
        var fourth = await h.Runner.RunScheduledAsync("alotech", null, None);
        Assert.Equal([9, 10, 11, 12], fourth.Windows.Select(w => w.Window.Start.Hour));
        Assert.Equal(Midnight.AddHours(13), await CheckpointAsync(h));
        Assert.Equal(13, h.Storage.Raw.GetBlobs().Count());
    }

    [Fact]
    public async Task Two_concurrent_runs_pull_each_window_once_and_advance_the_checkpoint_once()
    {
        await using var h = await AlotechHarness.StartAsync(settings: Schedule(maxWindows: 24), now: Now);
        // Slow first answers keep the first run busy while the second one starts.
        h.Simulator.Faults.SlowDelay = TimeSpan.FromMilliseconds(400);
        h.Simulator.Faults.Enqueue(AlotechFault.Slow, 3);

        var results = await Task.WhenAll(
            Task.Run(() => h.Runner.RunScheduledAsync("alotech", null, None)),
            Task.Run(() => h.Runner.RunScheduledAsync("alotech", null, None)));

        Assert.Single(results, r => r.Status == PullRunStatus.Completed);
        Assert.Single(results, r => r.Status == PullRunStatus.LeaseHeld);
        Assert.Equal(Midnight.AddHours(11), await CheckpointAsync(h));
        var firstPages = h.Simulator.Requests
            .Where(r => r.Path.StartsWith("/api", StringComparison.Ordinal) && r.QueryValue("cursor") is null && r.StatusCode == 200)
            .GroupBy(r => r.QueryValue("startdate"))
            .ToList();
        Assert.Equal(11, firstPages.Count);
        Assert.All(firstPages, g => Assert.Single(g));
    }

    [Fact]
    public async Task A_lease_left_by_a_crashed_run_blocks_until_it_expires()
    {
        await using var h = await AlotechHarness.StartAsync(settings: Schedule(maxWindows: 2), now: Now);
        var store = h.Services.GetRequiredService<CheckpointStore>();
        var checkpoint = await store.GetOrCreateAsync("alotech", Midnight, None);
        await store.TryReplaceAsync(checkpoint with { LeaseOwner = "crashed-run", LeaseUntil = Now.AddMinutes(5) }, None);

        Assert.Equal(PullRunStatus.LeaseHeld, (await h.Runner.RunScheduledAsync("alotech", null, None)).Status);
        Assert.Empty(h.Storage.Raw.GetBlobs());

        h.Time.Advance(TimeSpan.FromMinutes(6));
        var later = await h.Runner.RunScheduledAsync("alotech", null, None);
        Assert.Equal(PullRunStatus.Completed, later.Status);
        Assert.Equal(Midnight.AddHours(2), await CheckpointAsync(h));
        Assert.Null((await store.GetAsync("alotech", None))!.LeaseOwner);
    }

    [Fact]
    public async Task A_backfill_takes_the_run_lease_without_choosing_where_scheduled_runs_start()
    {
        await using var h = await AlotechHarness.StartAsync(settings: Schedule(maxWindows: 2), now: Now);
        var store = h.Services.GetRequiredService<CheckpointStore>();

        // No checkpoint yet: the backfill holds the lease on a row without a watermark, and gives it back.
        var backfill = await h.Runner.BackfillAsync("alotech", Midnight.AddHours(-3), Midnight.AddHours(-1), null, None);
        Assert.Equal(PullRunStatus.Completed, backfill.Status);
        var row = (await store.GetAsync("alotech", None))!;
        Assert.False(row.HasWatermark);
        Assert.Null(row.LeaseOwner);
        Assert.Null(row.LastRunAt);

        // While a scheduled run holds the lease a backfill lands nothing (and the other way round).
        var leased = await store.TryReplaceAsync((await store.GetOrCreateAsync("alotech", Midnight, None)) with { LeaseOwner = "scheduled-run", LeaseUntil = Now.AddMinutes(5) }, None);
        Assert.NotNull(leased);
        var blobs = h.Storage.Raw.GetBlobs().Count();
        Assert.Equal(PullRunStatus.LeaseHeld, (await h.Runner.BackfillAsync("alotech", Midnight, Midnight.AddHours(2), null, None)).Status);
        Assert.Equal(blobs, h.Storage.Raw.GetBlobs().Count());

        // The first scheduled run starts at StartFrom as if no backfill had run.
        h.Time.Advance(TimeSpan.FromMinutes(6));
        var run = await h.Runner.RunScheduledAsync("alotech", null, None);
        Assert.Equal(PullRunStatus.Completed, run.Status);
        Assert.Equal(Midnight, run.CheckpointBefore);
        Assert.Equal(Midnight.AddHours(2), await CheckpointAsync(h));
    }

    [Fact]
    public async Task A_failing_window_stops_the_run_and_keeps_the_checkpoint_before_it()
    {
        var settings = Schedule(maxWindows: 4);
        settings["Vendors:Alotech:Http:MaxRetries"] = "1";
        await using var h = await AlotechHarness.StartAsync(settings: settings, now: Now);
        h.Simulator.Faults.RandomKinds = [AlotechFault.ServerError];
        h.Simulator.Faults.RandomFaultRate = 1.0;

        var failed = await h.Runner.RunScheduledAsync("alotech", null, None);
        Assert.Equal(PullRunStatus.Failed, failed.Status);
        Assert.Empty(failed.Windows);
        Assert.Contains("500", failed.Error);
        var checkpoint = await h.Services.GetRequiredService<CheckpointStore>().GetAsync("alotech", None);
        Assert.Equal(Midnight, checkpoint!.Watermark);
        Assert.NotNull(checkpoint.LastError);
        Assert.Null(checkpoint.LeaseOwner);

        h.Simulator.Faults.RandomFaultRate = 0;
        var recovered = await h.Runner.RunScheduledAsync("alotech", null, None);
        Assert.Equal(PullRunStatus.Completed, recovered.Status);
        Assert.Equal(Midnight.AddHours(4), await CheckpointAsync(h));
    }

    [Fact]
    public async Task A_switched_off_vendor_is_skipped_with_its_reason()
    {
        await using var h = await AlotechHarness.StartAsync(settings: new Dictionary<string, string?> { ["Vendors:Alotech:Enabled"] = "false" }, now: Now);
        var result = await h.Runner.RunScheduledAsync("alotech", null, None);
        Assert.Equal(PullRunStatus.Skipped, result.Status);
        Assert.Contains("Enabled=true", Assert.Single(result.Warnings));
        Assert.Empty(h.Simulator.Requests);
    }
}
