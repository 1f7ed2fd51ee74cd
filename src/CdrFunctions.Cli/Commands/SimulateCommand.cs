using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using CdrFunctions.Simulators.Common;

namespace CdrFunctions.Cli.Commands;

/// <summary>
/// Runs vendor simulators until Ctrl+C and writes a Functions Core Tools settings file (local.settings.json)
/// made from the sample with those vendors pointed at them, so <c>func start</c> pulls simulated calls.
/// </summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var vendors = new Option<string[]>("--vendor") { Description = "Vendors to simulate (default: every registered simulator).", AllowMultipleArgumentsPerToken = true };
        var sample = new Option<FileInfo>("--sample") { Description = "The settings sample to start from.", DefaultValueFactory = _ => new FileInfo("local.settings.sample.json") };
        var output = new Option<FileInfo?>("--write-settings") { Description = "Where to write the Core Tools settings file, e.g. src/CdrFunctions/local.settings.json." };
        var pace = SimulatorPaceOptions.Create();
        var command = new Command("simulate", "Run vendor simulators and write a local.settings.json for func start that points at them.") { vendors, sample, output, pace.RateLimit, pace.Latency };
        command.SetAction((parse, ct) => CliErrors.RunAsync(() => RunAsync(parse.GetValue(vendors) ?? [], parse.GetValue(sample)!, parse.GetValue(output), pace.Read(parse), ct)));
        return command;
    }

    private static async Task<int> RunAsync(string[] vendors, FileInfo sample, FileInfo? output, SimulatorPace pace, CancellationToken ct)
    {
        var all = await VendorSimulations.StartAllAsync(ct).ConfigureAwait(false);
        var unknown = vendors.Where(v => !all.Any(s => s.Vendor.Equals(v, StringComparison.OrdinalIgnoreCase))).ToList();
        var chosen = all.Where(s => vendors.Length == 0 || vendors.Contains(s.Vendor, StringComparer.OrdinalIgnoreCase)).ToList();
        try
        {
            if (unknown.Count > 0)
            {
                return CliErrors.Fail($"no simulator for {string.Join(", ", unknown)}; known: {string.Join(", ", all.Select(s => s.Vendor))}.", CliErrors.Usage);
            }
            foreach (var unused in all.Except(chosen))
            {
                await unused.DisposeAsync().ConfigureAwait(false);
            }
            var settings = pace.Apply(chosen);
            if (output is not null)
            {
                if (!sample.Exists)
                {
                    return CliErrors.Fail($"{sample.FullName} does not exist; run from the repository root or give --sample.", CliErrors.Usage);
                }
                await File.WriteAllTextAsync(output.FullName, CoreToolsSettings(await File.ReadAllTextAsync(sample.FullName, ct).ConfigureAwait(false), settings), ct).ConfigureAwait(false);
                Console.Out.WriteLine($"cdr simulate: wrote {output.FullName}");
            }
            foreach (var simulation in chosen)
            {
                Console.Out.WriteLine($"cdr simulate: {simulation.Vendor} simulator at {simulation.Settings.FirstOrDefault(kv => kv.Key.EndsWith(":BaseUrl", StringComparison.Ordinal) || kv.Key.EndsWith(":Host", StringComparison.Ordinal)).Value}");
            }
            if (pace.Describe() is { } described)
            {
                Console.Out.WriteLine($"cdr simulate: {described}");
            }
            Console.Out.WriteLine("cdr simulate: running until Ctrl+C.");
            await Task.Delay(Timeout.Infinite, ct).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).ConfigureAwait(false);
            return CliErrors.Ok;
        }
        finally
        {
            foreach (var simulation in chosen)
            {
                await simulation.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The sample with the simulators' settings as app settings (<c>:</c> → <c>__</c>) in <c>Values</c>.</summary>
    internal static string CoreToolsSettings(string sampleJson, IReadOnlyDictionary<string, string?> settings)
    {
        var root = JsonNode.Parse(sampleJson)!.AsObject();
        var values = root["Values"]!.AsObject();
        foreach (var (key, value) in settings)
        {
            values[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
