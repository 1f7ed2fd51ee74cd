using System.Collections.Concurrent;
using System.Text;
using CdrFunctions.Pipeline;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Pull;
using CdrFunctions.Pipeline.Resilience;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Pipeline.Vendors;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using CdrFunctions.Tests.Integration;

namespace CdrFunctions.Tests.Pipeline.Pull;

/// <summary>
/// Windows of one run pulled concurrently, with the real runner, lander and checkpoint store on Azurite and a
/// vendor whose windows finish when the test says: the checkpoint only moves over contiguous committed windows.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class ConcurrentPullTests
{
    private static readonly DateTimeOffset Midnight = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = Midnight.AddHours(12).AddMinutes(7);
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Windows_are_pulled_concurrently_up_to_the_vendor_concurrency()
    {
        var vendor = new GatedVendor(concurrency: 3);
        await using var h = await Harness.StartAsync(vendor);
        var run = Task.Run(() => h.Runner.BackfillAsync(vendor.Name, Midnight, Midnight.AddHours(8), null, None));

        await vendor.WaitForRunningAsync(3);
        await Task.Delay(50);
        Assert.Equal(3, vendor.Running);
        for (var hour = 0; hour < 8; hour++)
        {
            vendor.Release(hour);
        }
        var result = await run;

        Assert.Equal(PullRunStatus.Completed, result.Status);
        Assert.Equal(Enumerable.Range(0, 8), result.Windows.Select(w => w.Window.Start.Hour));
        Assert.Equal(3, vendor.MaxRunning);
    }

    [Fact]
    public async Task The_checkpoint_advances_only_over_a_contiguous_run_of_committed_windows()
    {
        var vendor = new GatedVendor(concurrency: 3);
        await using var h = await Harness.StartAsync(vendor);
        var progress = new ConcurrentQueue<PullProgress>();
        var run = Task.Run(() => h.Runner.RunScheduledAsync(vendor.Name, new SyncProgress(progress.Enqueue), None));

        await vendor.WaitForRunningAsync(3);
        vendor.Release(1);
        vendor.Release(2);
        await vendor.WaitForStartedAsync(5);
        // Windows 1 and 2 are committed, window 0 is not: the checkpoint may not pass it.
        Assert.Equal(Midnight, await h.CheckpointAsync(vendor.Name));

        vendor.Release(0);
        await vendor.WaitForStartedAsync(6);
        await Eventually(async () => await h.CheckpointAsync(vendor.Name) == Midnight.AddHours(3));
        vendor.ReleaseAll();
        var result = await run;

        // 12:07 minus the 15-minute settle delay: windows 00:00 to 10:00 are due.
        Assert.Equal(PullRunStatus.Completed, result.Status);
        Assert.Equal(Midnight.AddHours(11), await h.CheckpointAsync(vendor.Name));
        Assert.Contains(progress, p => p.WindowsRunning == 3);
        var last = progress.Last();
        Assert.Equal((11, 11), (last.WindowsDone, last.WindowsTotal));
        Assert.Equal(11 * GatedVendor.RecordsPerWindow, last.Records);
    }

    [Fact]
    public async Task A_failed_window_stops_new_windows_lets_running_ones_finish_and_leaves_the_checkpoint_at_the_gap()
    {
        var vendor = new GatedVendor(concurrency: 3);
        await using var h = await Harness.StartAsync(vendor);
        var run = Task.Run(() => h.Runner.RunScheduledAsync(vendor.Name, null, None));

        await vendor.WaitForRunningAsync(3);
        vendor.Release(0);
        await vendor.WaitForStartedAsync(4);
        vendor.Fail(1);
        await Task.Delay(100);
        // No window starts after the failure, but windows 2 and 3, already running, still land.
        Assert.Equal(4, vendor.Started);
        vendor.Release(2);
        vendor.Release(3);
        var result = await run;

        Assert.Equal(PullRunStatus.Failed, result.Status);
        Assert.Contains("01:00", result.Error);
        Assert.Equal([0, 2, 3], result.Windows.Select(w => w.Window.Start.Hour));
        Assert.Equal(4, vendor.Started);
        Assert.Equal(Midnight.AddHours(1), result.CheckpointAfter);
        Assert.Equal(Midnight.AddHours(1), await h.CheckpointAsync(vendor.Name));
        Assert.Equal(3, h.RawBlobs());

        // The next run starts at the gap and lands the rest.
        vendor.ReleaseAll();
        var next = await h.Runner.RunScheduledAsync(vendor.Name, null, None);
        Assert.Equal(PullRunStatus.Completed, next.Status);
        Assert.Equal(Midnight.AddHours(11), await h.CheckpointAsync(vendor.Name));
    }

    [Fact]
    public async Task A_window_before_the_gap_that_commits_after_a_later_one_failed_still_advances_the_checkpoint_to_the_gap()
    {
        var (vendor, h, progress, run) = await StartThreeRunningAsync();
        await using var harness = h;

        vendor.Fail(1);
        await progress.WaitForHandledAsync(1);
        vendor.Release(0);
        await progress.WaitForHandledAsync(2);
        // Window 0 committed after window 1 failed: the checkpoint still moves over it, up to the gap.
        Assert.Equal(Midnight.AddHours(1), await h.CheckpointAsync(vendor.Name));
        vendor.Release(2);
        var result = await run;

        Assert.Equal(PullRunStatus.Failed, result.Status);
        Assert.Contains("01:00", result.Error);
        Assert.Equal([0, 2], result.Windows.Select(w => w.Window.Start.Hour));
        Assert.Equal(3, vendor.Started);
        Assert.Equal(Midnight.AddHours(1), result.CheckpointAfter);
        Assert.Equal(Midnight.AddHours(1), await h.CheckpointAsync(vendor.Name));
    }

    [Fact]
    public async Task A_window_beyond_the_gap_that_commits_after_the_failure_does_not_move_the_checkpoint_past_the_gap()
    {
        var (vendor, h, progress, run) = await StartThreeRunningAsync();
        await using var harness = h;

        vendor.Fail(1);
        await progress.WaitForHandledAsync(1);
        vendor.Release(2);
        await progress.WaitForHandledAsync(2);
        Assert.Equal(Midnight, await h.CheckpointAsync(vendor.Name));
        vendor.Release(0);
        var result = await run;

        Assert.Equal(PullRunStatus.Failed, result.Status);
        Assert.Equal([0, 2], result.Windows.Select(w => w.Window.Start.Hour));
        Assert.Equal(3, vendor.Started);
        Assert.Equal(Midnight.AddHours(1), await h.CheckpointAsync(vendor.Name));
    }

    [Fact]
    public async Task A_window_before_a_rate_limited_one_that_commits_after_the_limit_still_advances_the_checkpoint_to_it()
    {
        var (vendor, h, progress, run) = await StartThreeRunningAsync();
        await using var harness = h;

        vendor.Limit(1);
        await progress.WaitForHandledAsync(1);
        vendor.Release(0);
        vendor.Release(2);
        var result = await run;

        Assert.Equal(PullRunStatus.RateLimited, result.Status);
        Assert.Equal([0, 2], result.Windows.Select(w => w.Window.Start.Hour));
        Assert.Equal(3, vendor.Started);
        Assert.Equal(Midnight.AddHours(1), await h.CheckpointAsync(vendor.Name));
    }

    [Fact]
    public async Task Windows_that_commit_after_the_run_lost_its_lease_do_not_touch_the_checkpoint()
    {
        var (vendor, h, progress, run) = await StartThreeRunningAsync();
        await using var harness = h;

        var leased = await h.Checkpoints.GetAsync(vendor.Name, None);
        Assert.NotNull(await h.Checkpoints.TryReplaceAsync(leased! with { LeaseOwner = "another run", LeaseUntil = Now.AddHours(1) }, None));
        // Window 1 commits out of order, so the run renews its lease before starting window 3, and finds it taken.
        vendor.Release(1);
        await progress.WaitForHandledAsync(1);
        vendor.Release(0);
        vendor.Release(2);
        var result = await run;

        Assert.Equal(3, vendor.Started);
        Assert.Contains(result.Warnings, w => w.Contains("run lease was taken", StringComparison.Ordinal));
        Assert.Null(result.CheckpointAfter);
        var checkpoint = await h.Checkpoints.GetAsync(vendor.Name, None);
        Assert.Equal((Midnight, "another run"), (checkpoint!.Watermark, checkpoint.LeaseOwner));
    }

    [Fact]
    public async Task Progress_carries_the_request_rate_the_vendor_limiter_let_through()
    {
        var vendor = new GatedVendor(concurrency: 3);
        await using var h = await Harness.StartAsync(vendor);
        var limiter = h.RateLimiters.For(vendor.Name, new VendorHttpOptions { RateLimit = "100/1s" });
        vendor.Limiter = limiter;
        vendor.ReleaseAll();
        var progress = new ConcurrentQueue<PullProgress>();

        var result = await h.Runner.BackfillAsync(vendor.Name, Midnight, Midnight.AddHours(4), new SyncProgress(progress.Enqueue), None);

        Assert.Equal(PullRunStatus.Completed, result.Status);
        Assert.Equal(4, limiter.Requests);
        // The rate is requests over at least a second: positive once a request went through, never above their count.
        Assert.InRange(progress.Last().RequestsPerSecond, double.Epsilon, 4);
    }

    /// <summary>A scheduled run of the gated vendor, three windows at a time, once all three are running.</summary>
    private static async Task<(GatedVendor Vendor, Harness Harness, ProgressLog Progress, Task<PullRunResult> Run)> StartThreeRunningAsync()
    {
        var vendor = new GatedVendor(concurrency: 3);
        var h = await Harness.StartAsync(vendor);
        var progress = new ProgressLog();
        var run = Task.Run(() => h.Runner.RunScheduledAsync(vendor.Name, progress, None));
        try
        {
            await progress.WaitForRunningAsync(3);
        }
        catch
        {
            // The test never gets the harness to dispose.
            await h.DisposeAsync();
            throw;
        }
        return (vendor, h, progress, run);
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 500; i++)
        {
            if (await condition())
            {
                return;
            }
            await Task.Delay(10);
        }
        Assert.Fail("The condition did not become true.");
    }

    /// <summary>
    /// The runner's progress reports, awaited to know what it has handled: it reports once after each finished window,
    /// with one window fewer running (a window started in its place is reported separately).
    /// </summary>
    private sealed class ProgressLog : IProgress<PullProgress>
    {
        private readonly List<PullProgress> _reports = [];
        private readonly List<(Func<bool> Reached, TaskCompletionSource Signal)> _waits = [];

        public void Report(PullProgress value)
        {
            lock (_reports)
            {
                _reports.Add(value);
                foreach (var wait in _waits.Where(w => w.Reached()).ToList())
                {
                    wait.Signal.TrySetResult();
                    _waits.Remove(wait);
                }
            }
        }

        public Task WaitForRunningAsync(int count) => WaitForAsync(() => _reports.Any(p => p.WindowsRunning >= count));

        public Task WaitForHandledAsync(int windows) =>
            WaitForAsync(() => _reports.Zip(_reports.Skip(1)).Count(p => p.Second.WindowsRunning < p.First.WindowsRunning) >= windows);

        private Task WaitForAsync(Func<bool> reached)
        {
            lock (_reports)
            {
                if (reached())
                {
                    return Task.CompletedTask;
                }
                var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waits.Add((reached, signal));
                // Only so that a runner that never gets there fails the test instead of hanging it.
                return signal.Task.WaitAsync(TimeSpan.FromSeconds(30));
            }
        }
    }

    /// <summary>A vendor whose window pulls wait for the test to release (or fail) them, counting what runs at once.</summary>
    private sealed class GatedVendor(int concurrency) : ICdrVendor
    {
        public const int RecordsPerWindow = 2;
        private readonly ConcurrentDictionary<int, TaskCompletionSource> _gates = new();
        private volatile bool _open;
        private int _running;
        private int _maxRunning;
        private int _started;

        public string Name => "gated";
        public string RawExtension => "json";
        public PullSchedule Schedule { get; } = new()
        {
            Enabled = true,
            WindowConcurrency = concurrency,
            Lookback = TimeSpan.Zero,
            MaxWindowsPerRun = 24,
            StartFrom = Midnight,
        };
        public bool IsConfigured => true;
        public int Running => Volatile.Read(ref _running);
        public int MaxRunning => Volatile.Read(ref _maxRunning);
        public int Started => Volatile.Read(ref _started);

        /// <summary>When set, each window sends one request through it, as a vendor's HTTP client does.</summary>
        public RequestRateLimiter? Limiter { get; set; }

        private TaskCompletionSource Gate(int hour) => _gates.GetOrAdd(hour, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

        public void Release(int hour) => Gate(hour).TrySetResult();

        public void Fail(int hour) => Gate(hour).TrySetException(new InvalidOperationException($"window at {hour:00}:00 failed"));

        public void Limit(int hour) => Gate(hour).TrySetException(new VendorRateLimitedException(Name, "429 Too Many Requests", TimeSpan.FromMinutes(1)));

        public void ReleaseAll()
        {
            _open = true;
            foreach (var gate in _gates.Values)
            {
                gate.TrySetResult();
            }
        }

        public Task WaitForRunningAsync(int count) => WaitAsync(() => Running >= count);

        public Task WaitForStartedAsync(int count) => WaitAsync(() => Started >= count);

        private static async Task WaitAsync(Func<bool> condition)
        {
            for (var i = 0; i < 500 && !condition(); i++)
            {
                await Task.Delay(10);
            }
            Assert.True(condition());
        }

        public async Task PullAsync(TimeWindow window, IRawSink sink, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _started);
            var running = Interlocked.Increment(ref _running);
            InterlockedMax(ref _maxRunning, running);
            try
            {
                if (!_open)
                {
                    await Gate(window.Start.Hour).Task.WaitAsync(cancellationToken);
                }
                if (Limiter is { } limiter)
                {
                    await limiter.AcquireAsync(cancellationToken);
                }
                await sink.WriteAsync(Encoding.UTF8.GetBytes($"[\"{window.Start:O}\"]"), cancellationToken);
                sink.AddRecords(RecordsPerWindow);
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }

        public IAsyncEnumerable<ParseResult> ParseAsync(Stream raw, RawFileInfo file, CancellationToken cancellationToken) =>
            AsyncEnumerable.Empty<ParseResult>();

        private static void InterlockedMax(ref int target, int value)
        {
            var current = Volatile.Read(ref target);
            while (value > current && Interlocked.CompareExchange(ref target, value, current) != current)
            {
                current = Volatile.Read(ref target);
            }
        }
    }

    private sealed class Harness(ServiceProvider services) : IAsyncDisposable
    {
        public PullRunner Runner => services.GetRequiredService<PullRunner>();

        public CheckpointStore Checkpoints => services.GetRequiredService<CheckpointStore>();

        public VendorRateLimiters RateLimiters => services.GetRequiredService<VendorRateLimiters>();

        public static async Task<Harness> StartAsync(ICdrVendor vendor)
        {
            var storage = await AzuriteFixture.NewStorageAsync();
            var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["CdrStorage"] = storage }).Build();
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
            services.AddSingleton<ICdrVendor>(vendor);
            services.AddCdrPipeline(config);
            return new Harness(services.BuildServiceProvider());
        }

        public async Task<DateTimeOffset> CheckpointAsync(string vendor) =>
            (await services.GetRequiredService<CheckpointStore>().GetAsync(vendor, None))!.Watermark;

        public int RawBlobs() => services.GetRequiredService<CdrFunctions.Pipeline.Storage.CdrStorage>().Raw.GetBlobs().Count();

        public ValueTask DisposeAsync() => services.DisposeAsync();
    }
}
