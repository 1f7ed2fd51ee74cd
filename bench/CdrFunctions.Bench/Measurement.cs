using System.Diagnostics;

namespace CdrFunctions.Bench;

/// <summary>A measured operation, with untimed preparation before each run (e.g. emptying a table).</summary>
internal sealed record Step(Measurement Measurement, Func<CancellationToken, Task> Run, Func<CancellationToken, Task>? Prepare = null);

internal static class Runner
{
    /// <summary>
    /// Warm-up of the CPU steps: at least three rounds and <see cref="CpuWarmupTime"/>. The connector's code starts
    /// as quick tier-0 JIT code and is recompiled optimized only after it has run a while (as it has in a
    /// long-running host), while the baselines run mostly precompiled framework code; after one round the Engage
    /// Voice parser was measured at tier 0 (332 ms a run against 54 ms with tiering off), and on the loaded build
    /// machine it took about 1.7 s of running before its runs settled.
    /// </summary>
    public const int CpuWarmups = 3;

    public static readonly TimeSpan CpuWarmupTime = TimeSpan.FromSeconds(5);

    // The synchronous baselines (CpuPipeline.ReadJson, VendorParsing.ReadDeepCallJson) loop over a whole file in one
    // call a round, so the warm-up leaves them in on-stack-replacement code; they are marked AggressiveOptimization to
    // run optimized from their first call. C# keeps that attribute on an async method's stub, not on its state
    // machine, so it is not used on the async steps. A step's time can differ by up to ~1.6x between processes of
    // one build (the Engage Voice step 31 or ~50 ms) with OSR off and with tiered compilation off alike; the baseline
    // slows with it, which is why every figure is a ratio taken within one process.

    /// <summary>
    /// <paramref name="warmups"/> warm-up rounds (one by default; more while <paramref name="warmupTime"/> has not
    /// passed), then <paramref name="runs"/> rounds; each round runs every step once, in alternating order, so drift
    /// (a busier Azurite, a bigger heap) hits all steps alike.
    /// </summary>
    public static async Task RunAsync(
        string label, int runs, IReadOnlyList<Step> steps, CancellationToken cancellationToken, int warmups = 1, TimeSpan warmupTime = default)
    {
        var warmupStarted = Stopwatch.StartNew();
        for (var run = 1 - warmups; run <= runs; run++)
        {
            if (run == 1 && warmupStarted.Elapsed < warmupTime)
            {
                // Another warm-up round: run 0 again.
                run = 0;
            }
            Log(run <= 0 ? $"{label}: warm-up ({warmupStarted.Elapsed.TotalSeconds:N1} s)" : $"{label}: run {run}/{runs}");
            foreach (var step in run % 2 == 0 ? steps : steps.Reverse())
            {
                if (step.Prepare is { } prepare)
                {
                    await prepare(cancellationToken);
                }
                var sample = await Sample.TimeAsync(step.Run, cancellationToken);
                if (run > 0)
                {
                    step.Measurement.Add(sample);
                }
            }
        }
    }

    /// <summary>Progress goes to stderr; stdout carries only the report.</summary>
    public static void Log(string message) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");
}

/// <summary>One timed run: wall time and bytes allocated by the whole process meanwhile.</summary>
internal readonly record struct Sample(TimeSpan Elapsed, long AllocatedBytes)
{
    public static async Task<Sample> TimeAsync(Func<CancellationToken, Task> run, CancellationToken cancellationToken)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        await run(cancellationToken);
        watch.Stop();
        return new Sample(watch.Elapsed, GC.GetTotalAllocatedBytes(precise: true) - allocated);
    }
}

/// <summary>The runs of one measurement, reported as throughput of <see cref="Items"/> per second.</summary>
internal sealed class Measurement(string name, int items, string unit, int records)
{
    private readonly List<Sample> _samples = [];

    public string Name { get; } = name;
    public int Items { get; } = items;
    public string Unit { get; } = unit;

    /// <summary>Allocations are reported per call record, whatever the unit.</summary>
    public int Records { get; } = records;

    public Measurement? Baseline { get; init; }

    public void Add(Sample sample) => _samples.Add(sample);

    /// <summary>Derived measurement over the same runs, counting other items (e.g. entities instead of records).</summary>
    public Measurement Counting(string name, int items, string unit, Measurement? baseline)
    {
        var copy = new Measurement(name, items, unit, Records) { Baseline = baseline };
        copy._samples.AddRange(_samples);
        return copy;
    }

    public double MedianPerSecond => Median(_samples.Select(PerSecond));
    public double MinPerSecond => _samples.Min(PerSecond);
    public double MaxPerSecond => _samples.Max(PerSecond);
    public TimeSpan MedianElapsed => TimeSpan.FromSeconds(Median(_samples.Select(s => s.Elapsed.TotalSeconds)));
    public double AllocatedPerRecord => Median(_samples.Select(s => (double)s.AllocatedBytes)) / Records;
    public double? Ratio => Baseline is { } b ? MedianPerSecond / b.MedianPerSecond : null;

    private double PerSecond(Sample s) => Items / s.Elapsed.TotalSeconds;

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
