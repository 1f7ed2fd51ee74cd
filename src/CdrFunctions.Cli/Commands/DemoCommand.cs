using System.CommandLine;
using System.Globalization;
using CdrFunctions.Pipeline.Lookup;
using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Pipeline.Pull;
using CdrFunctions.Pipeline.Storage;
using CdrFunctions.Pipeline.Api;
using CdrFunctions.Simulators.Common;
using CdrFunctions.Simulators.Azurite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Spectre.Console;

namespace CdrFunctions.Cli.Commands;

/// <summary>
/// The whole chain on a workstation with nothing configured: Azurite (started if not running), every
/// vendor simulator, a pull of the last hours per vendor, normalization, lookups of a call of each, then
/// (unless --once) the same jobs and API as <c>cdr run</c> until Ctrl+C.
/// </summary>
internal static class DemoCommand
{
    private static readonly (int Blob, int Queue, int Table) DefaultPorts = (10000, 10001, 10002);

    public static Command Create()
    {
        var hours = new Option<int>("--hours") { Description = "How many hours back to pull.", DefaultValueFactory = _ => 24 };
        var once = new Option<bool>("--once") { Description = "Exit after the summary instead of serving until Ctrl+C." };
        var settings = new Option<string[]>("--setting")
        {
            Description = "KEY=VALUE configuration on top of the simulators' own, repeatable (e.g. Vendors:<Vendor>:Enabled=false).",
            AllowMultipleArgumentsPerToken = false,
        };
        var pace = SimulatorPaceOptions.Create();
        var command = new Command("demo", "Pull simulated calls of every vendor into local storage (Azurite), normalize, look up, then serve the API.") { hours, once, settings, pace.RateLimit, pace.Latency };
        command.SetAction((parse, ct) => CliErrors.RunAsync(() => RunAsync(parse.GetValue(hours), parse.GetValue(once), parse.GetValue(settings) ?? [], pace.Read(parse), ct)));
        return command;
    }

    private static async Task<int> RunAsync(int hours, bool once, string[] settings, SimulatorPace pace, CancellationToken ct)
    {
        if (hours is < 1 or > 24 * 31)
        {
            return CliErrors.Fail("--hours must be between 1 and 744.", CliErrors.Usage);
        }
        var extra = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var setting in settings)
        {
            var eq = setting.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                return CliErrors.Fail($"--setting '{setting}' is not KEY=VALUE.", CliErrors.Usage);
            }
            extra[setting[..eq].Trim()] = setting[(eq + 1)..].Trim();
        }
        await using var azurite = await EnsureAzuriteAsync(ct).ConfigureAwait(false);
        var simulations = await VendorSimulations.StartAllAsync(ct).ConfigureAwait(false);
        try
        {
            var overrides = pace.Apply(simulations);
            foreach (var (key, value) in extra)
            {
                overrides[key] = value;
            }
            if (azurite is not null)
            {
                overrides[CdrStorageNames.ConnectionName] = azurite.ConnectionString;
            }
            await using var services = CliHost.Build(overrides);
            var storage = services.GetRequiredService<CdrStorage>();
            AnsiConsole.MarkupLine($"Storage: [bold]{Markup.Escape(storage.DescribedAs)}[/]{(azurite is null ? "" : " (Azurite started by this demo, in memory)")}");
            if (pace.Describe() is { } described)
            {
                AnsiConsole.MarkupLine(Markup.Escape(described));
            }

            // The last hour that ended at least 15 minutes ago: vendors are given their settle time (RingCX asks for it).
            var settled = DateTime.UtcNow.AddMinutes(-15);
            var to = new DateTimeOffset(settled.Date.AddHours(settled.Hour), TimeSpan.Zero);
            var from = to.AddHours(-hours);
            var summary = new Table().Title($"demo: {from:yyyy-MM-dd HH:mm} – {to:yyyy-MM-dd HH:mm} UTC, simulated vendors")
                .AddColumns("vendor", "windows", "records pulled", "retries", "calls normalized", "quarantined", "simulator ground truth");
            var samples = new List<(string Vendor, string CallId)>();
            foreach (var simulation in simulations)
            {
                var pull = await Progress.RunAsync(ProgressLine.Pull($"pull {simulation.Vendor}"), p => services.GetRequiredService<PullRunner>().BackfillAsync(simulation.Vendor, from, to, p, ct)).ConfigureAwait(false);
                if (pull.Status == PullRunStatus.Failed)
                {
                    Reports.Print(pull);
                    return CliErrors.Failed;
                }
                var normalized = await NormalizeCommand.NormalizeRangeAsync(services.GetRequiredService<Normalizer>(), simulation.Vendor, from, to, ct).ConfigureAwait(false);
                summary.AddRow(simulation.Vendor, $"{pull.Windows.Count}", $"{pull.Records:N0}", $"{pull.Retries}",
                    $"{normalized.Sum(n => n.Records):N0}", $"{normalized.Sum(n => n.Quarantined)}", $"{simulation.ValidCallsBetween(from, to):N0} valid calls");
                if (simulation.SampleCallId(from, to) is { } sample)
                {
                    samples.Add((simulation.Vendor, sample));
                }
            }
            AnsiConsole.Write(summary);

            var lookup = services.GetRequiredService<CallLookup>();
            foreach (var (vendor, callId) in samples)
            {
                if (await lookup.GetAsync(vendor, callId, ct).ConfigureAwait(false) is not { } call)
                {
                    return CliErrors.Fail($"the sample call {vendor}/{callId} is not in the table.", CliErrors.Failed);
                }
                AnsiConsole.MarkupLine($"\nLookup of {Markup.Escape(vendor)} call [bold]{Markup.Escape(callId)}[/]:");
                Console.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(call, LookupCommand.Indented));
                if (call.FromNumber is { } number)
                {
                    var page = await lookup.ListByNumberAsync(number, from, to, null, 10, null, ct).ConfigureAwait(false);
                    AnsiConsole.MarkupLine($"Calls of {Markup.Escape(Pipeline.Phones.PhoneMask.Mask(number))} in the range: {page.Calls.Count}");
                }
            }
            if (once)
            {
                return CliErrors.Ok;
            }
            return await ServeAsync(overrides, samples, from, to, ct).ConfigureAwait(false);
        }
        finally
        {
            foreach (var simulation in simulations)
            {
                await simulation.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Keeps going as <c>cdr run</c> does (timers, raw-blob poller, the API on :7071) against the simulators,
    /// with a fixed demo key so the printed commands work as shown.
    /// </summary>
    private static async Task<int> ServeAsync(Dictionary<string, string?> overrides, List<(string Vendor, string CallId)> samples, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        const string key = "demo-key";
        overrides["Run:ApiKey"] = key;
        await using var app = RunCommand.Build(null, overrides);
        await app.StartAsync(ct).ConfigureAwait(false);
        var api = $"{(app.Configuration["Run:Url"] ?? "http://localhost:7071").TrimEnd('/')}/api";
        var range = $"from={from.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}&to={to.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}";
        AnsiConsole.MarkupLine($"\nServing the API at [bold]{Markup.Escape(api)}[/] (timers and the raw-blob poller run too). Try, from another terminal:");
        foreach (var (vendor, callId) in samples)
        {
            Console.Out.WriteLine($"  curl -H '{CdrApiRoutes.KeyHeader}: {key}' {api}/calls/{vendor}/{Uri.EscapeDataString(callId)}");
        }
        Console.Out.WriteLine($"  curl -H '{CdrApiRoutes.KeyHeader}: {key}' '{api}/calls?number=<E.164 number from above>&{range}'");
        Console.Out.WriteLine($"  curl -H '{CdrApiRoutes.KeyHeader}: {key}' {api}/status");
        Console.Out.WriteLine("  dotnet run --project src/CdrFunctions.Cli -- status");
        AnsiConsole.MarkupLine("Press [bold]Ctrl+C[/] to stop.");
        try
        {
            await app.WaitForShutdownAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C: the expected way out.
        }
        await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        AnsiConsole.MarkupLine("Stopped.");
        return CliErrors.Ok;
    }

    /// <summary>Reuses an Azurite already on the default ports; otherwise starts one there, in memory.</summary>
    private static async Task<AzuriteProcess?> EnsureAzuriteAsync(CancellationToken ct)
    {
        var configured = new ConfigurationBuilder().AddEnvironmentVariables().Build()[CdrStorageNames.ConnectionName];
        if (!string.IsNullOrEmpty(configured) && configured != CdrStorage.DevelopmentStorage)
        {
            return null;
        }
        if (AzuriteLocator.IsListening("127.0.0.1", DefaultPorts.Blob))
        {
            return null;
        }
        AnsiConsole.MarkupLine("Starting Azurite on 127.0.0.1:10000-10002 (in memory)…");
        return await AzuriteProcess.StartAsync(new AzuriteStartOptions { BlobPort = DefaultPorts.Blob, QueuePort = DefaultPorts.Queue, TablePort = DefaultPorts.Table }, ct).ConfigureAwait(false);
    }
}
