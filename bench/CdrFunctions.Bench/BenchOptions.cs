using System.Globalization;

namespace CdrFunctions.Bench;

/// <summary>Command line: <c>[--records N] [--e2e-records N] [--runs N]</c>.</summary>
internal sealed record BenchOptions(int Records, int E2eRecords, int Runs)
{
    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions(100_000, 5_000, 5);
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw new ArgumentException($"'{args[i]}' needs a positive whole number after it.");
            options = args[i] switch
            {
                "--records" => options with { Records = value },
                "--e2e-records" => options with { E2eRecords = value },
                "--runs" => options with { Runs = value },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'. Usage: [--records N] [--e2e-records N] [--runs N]"),
            };
            i++;
        }
        return options.E2eRecords > options.Records
            ? throw new ArgumentException("--e2e-records must not exceed --records.")
            : options;
    }
}
