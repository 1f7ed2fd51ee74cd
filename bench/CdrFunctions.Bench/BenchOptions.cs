using System.Globalization;

namespace CdrFunctions.Bench;

/// <summary>
/// Command line: <c>[--quick] [--cpu-only | --e2e-only | --memory-only | --backfill-only] [--json FILE] [--records N] [--e2e-records N] [--runs N]</c>. <c>--quick</c> takes
/// smaller inputs and fewer runs so every figure is measured in a few minutes on 2 cores; explicit sizes win.
/// <c>--cpu-only</c> measures the parsers and the normalizer's CPU only (no Azurite, lookups, backfill or memory), and
/// <c>--e2e-only</c> only the end-to-end normalization into Azurite against batch upserts, <c>--memory-only</c> only the
/// peak working sets, <c>--backfill-only</c> only the rate-limited backfill, for iterating on one.
/// </summary>
internal sealed record BenchOptions(int Records, int E2eRecords, int Runs)
{
    public const string Usage = "Usage: [--quick] [--cpu-only | --e2e-only | --memory-only | --backfill-only] [--json FILE] [--records N] [--e2e-records N] [--runs N]";

    public bool Quick { get; init; }
    public string? JsonFile { get; init; }
    public bool CpuOnly { get; init; }
    public bool E2eOnly { get; init; }
    public bool MemoryOnly { get; init; }
    public bool BackfillOnly { get; init; }

    /// <summary>Calls of the DeepCall window parsed.</summary>
    public int VendorRecords => Quick ? 10_000 : 40_000;

    /// <summary>
    /// Rows of the Engage Voice report parsed: more than DeepCall's calls, since a row is small. At 10,000 rows its
    /// baseline ran 2.5–4.6 ms and its median moved by half between runs, which no ratio of two such medians survives.
    /// </summary>
    public int EngageVoiceRows => Quick ? 50_000 : 100_000;

    /// <summary>Lookups per client per round (16 clients).</summary>
    public int LookupsPerClient => Quick ? 150 : 500;

    /// <summary>Hours (one window each) of the rate-limited backfill.</summary>
    public int BackfillHours => Quick ? 12 : 48;

    /// <summary>The window sizes whose peak working set is measured with the CPU model, each in its own process.</summary>
    public IReadOnlyList<int> MemoryRecords { get; } = [100_000, 300_000];

    /// <summary>The window sizes the real normalizer's peak working set is measured at, into Azurite, each in its own process.</summary>
    public IReadOnlyList<int> NormalizerMemoryRecords => Quick ? [5_000, 15_000] : [10_000, 30_000];

    public static BenchOptions Parse(string[] args)
    {
        var quick = args.Contains("--quick");
        var options = quick ? new BenchOptions(30_000, 3_000, 3) { Quick = true } : new BenchOptions(100_000, 5_000, 5);
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    continue;
                case "--cpu-only":
                    options = options with { CpuOnly = true };
                    continue;
                case "--e2e-only":
                    options = options with { E2eOnly = true };
                    continue;
                case "--memory-only":
                    options = options with { MemoryOnly = true };
                    continue;
                case "--backfill-only":
                    options = options with { BackfillOnly = true };
                    continue;
                case "--json":
                    options = options with { JsonFile = i + 1 < args.Length ? args[++i] : throw new ArgumentException("'--json' needs a file name after it.") };
                    continue;
            }
            var value = i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw new ArgumentException($"'{args[i]}' needs a positive whole number after it.");
            options = args[i] switch
            {
                "--records" => options with { Records = value },
                "--e2e-records" => options with { E2eRecords = value },
                "--runs" => options with { Runs = value },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'. {Usage}"),
            };
            i++;
        }
        return options.E2eRecords > options.Records
            ? throw new ArgumentException("--e2e-records must not exceed --records.")
            : options;
    }
}
