using System.CommandLine;
using System.Globalization;
using CdrFunctions.Pipeline.Lookup;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Pipeline.Pull;
using CdrFunctions.Pipeline.Storage;
using CdrFunctions.Simulators.Alotech;
using CdrFunctions.Simulators.Azurite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace CdrFunctions.Cli.Commands;

/// <summary>
/// The whole chain on a workstation with nothing configured: Azurite (started if not running), the
/// Alotech simulator, a pull of the last hours, normalization, and lookups of a call it landed.
/// </summary>
internal static class DemoCommand
{
    private static readonly (int Blob, int Queue, int Table) DefaultPorts = (10000, 10001, 10002);

    public static Command Create()
    {
        var hours = new Option<int>("--hours") { Description = "How many hours back to pull.", DefaultValueFactory = _ => 24 };
        var once = new Option<bool>("--once") { Description = "Exit after the summary instead of serving until Ctrl+C." };
        var command = new Command("demo", "Pull simulated Alotech calls into local storage (Azurite), normalize them and look one up.") { hours, once };
        command.SetAction((parse, ct) => CliErrors.RunAsync(() => RunAsync(parse.GetValue(hours), parse.GetValue(once), ct)));
        return command;
    }

    private static async Task<int> RunAsync(int hours, bool once, CancellationToken ct)
    {
        if (hours is < 1 or > 24 * 31)
        {
            return CliErrors.Fail("--hours must be between 1 and 744.", CliErrors.Usage);
        }
        await using var azurite = await EnsureAzuriteAsync(ct).ConfigureAwait(false);
        await using var simulator = await AlotechSimulator.StartAsync(new AlotechSimulatorOptions { MalformedEvery = 97 }, ct).ConfigureAwait(false);
        // A little throttling and a few server errors, so the retries are visible in the summary.
        simulator.Faults.RandomFaultRate = 0.05;
        simulator.Faults.RandomKinds = [AlotechFault.TooManyRequests, AlotechFault.ServerError];

        var overrides = new Dictionary<string, string?>
        {
            ["Vendors:Alotech:Enabled"] = "true",
            ["Vendors:Alotech:BaseUrl"] = simulator.BaseUrl.AbsoluteUri,
            ["Vendors:Alotech:AppToken"] = new AlotechSimulatorOptions().AppToken,
            ["Vendors:Alotech:TimeZone"] = new AlotechSimulatorOptions().TimeZone,
            ["Vendors:Alotech:Http:RetryBaseDelay"] = "00:00:00.200",
        };
        if (azurite is not null)
        {
            overrides[CdrStorageNames.ConnectionName] = azurite.ConnectionString;
        }
        await using var services = CliHost.Build(overrides);
        var storage = services.GetRequiredService<CdrStorage>();
        AnsiConsole.MarkupLine($"Storage: [bold]{Markup.Escape(storage.DescribedAs)}[/]{(azurite is null ? "" : " (Azurite started by this demo, in memory)")}");
        AnsiConsole.MarkupLine($"Alotech simulator: [bold]{Markup.Escape(simulator.BaseUrl.AbsoluteUri)}[/]");

        var to = new DateTimeOffset(DateTime.UtcNow.Date.AddHours(DateTime.UtcNow.Hour), TimeSpan.Zero);
        var from = to.AddHours(-hours);
        var pull = await Progress.RunAsync("pull", p => services.GetRequiredService<PullRunner>().BackfillAsync("alotech", from, to, p, ct)).ConfigureAwait(false);
        if (pull.Status == PullRunStatus.Failed)
        {
            Reports.Print(pull);
            return CliErrors.Failed;
        }
        var normalized = await NormalizeCommand.NormalizeRangeAsync(services.GetRequiredService<Normalizer>(), "alotech", from, to, ct).ConfigureAwait(false);

        var summary = new Table().Title("demo: alotech (simulated)").AddColumns("step", "result");
        summary.AddRow("window range (UTC)", $"{from:yyyy-MM-dd HH:mm} – {to:yyyy-MM-dd HH:mm}");
        summary.AddRow("pulled", $"{pull.Windows.Count} windows, {pull.Records:N0} records, {pull.Retries} retries after injected faults");
        summary.AddRow("normalized", $"{normalized.Sum(n => n.Records):N0} calls, {normalized.Sum(n => n.Quarantined)} quarantined");
        summary.AddRow("simulator ground truth", $"{simulator.ValidCallsBetween(from, to).Count:N0} valid calls, {simulator.MalformedCallsBetween(from, to).Count} malformed");
        AnsiConsole.Write(summary);

        var lookup = services.GetRequiredService<CallLookup>();
        var sample = simulator.ValidCallsBetween(from, to).Where(c => c.Answered).Select(c => c.Key).LastOrDefault();
        if (sample is not null && await lookup.GetAsync("alotech", sample, ct).ConfigureAwait(false) is { } call)
        {
            AnsiConsole.MarkupLine($"\nLookup of call [bold]{Markup.Escape(sample)}[/]:");
            Console.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(call, LookupCommand.Indented));
            if (call.FromNumber is { } number)
            {
                var page = await lookup.ListByNumberAsync(number, from, to, null, 10, null, ct).ConfigureAwait(false);
                AnsiConsole.MarkupLine($"Calls of {Markup.Escape(Pipeline.Phones.PhoneMask.Mask(number))} in the range: {page.Calls.Count}");
            }
            PrintTryIt(sample, call, from, to);
        }

        if (once)
        {
            return CliErrors.Ok;
        }
        AnsiConsole.MarkupLine("\nAzurite and the simulator keep running for the commands above; press [bold]Ctrl+C[/] to stop.");
        try
        {
            await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            AnsiConsole.MarkupLine("Stopped.");
        }
        return CliErrors.Ok;
    }

    /// <summary>Azurite listens on its default ports, so the plain commands (UseDevelopmentStorage=true) see the demo's data.</summary>
    private static void PrintTryIt(string callId, CallRecord call, DateTimeOffset from, DateTimeOffset to)
    {
        AnsiConsole.MarkupLine("\nTry it (from another terminal, while this demo runs):");
        var cdr = "dotnet run --project src/CdrFunctions.Cli --";
        Console.Out.WriteLine($"  {cdr} lookup --vendor alotech --call-id {callId}");
        if (call.FromNumber is { } number)
        {
            Console.Out.WriteLine($"  {cdr} calls --number {number} --from {from.ToString("yyyy-MM-ddTHH:mmZ", CultureInfo.InvariantCulture)} --to {to.ToString("yyyy-MM-ddTHH:mmZ", CultureInfo.InvariantCulture)}");
        }
        Console.Out.WriteLine($"  {cdr} normalize --vendor alotech --from {from.ToString("yyyy-MM-ddTHH:mmZ", CultureInfo.InvariantCulture)} --to {to.ToString("yyyy-MM-ddTHH:mmZ", CultureInfo.InvariantCulture)}");
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
