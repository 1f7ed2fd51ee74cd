using CdrFunctions.Simulators.Common;

namespace CdrFunctions.Simulators.Alotech;

/// <summary>The Alotech simulator for local runs: a few malformed records and a little throttling, to show quarantine and retries.</summary>
public sealed class AlotechSimulation(AlotechSimulator simulator) : IVendorSimulation
{
    public string Vendor => "alotech";

    public RequestPacer Pacing => simulator.State.Pacing;

    public IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Vendors:Alotech:Enabled"] = "true",
        ["Vendors:Alotech:BaseUrl"] = simulator.BaseUrl.AbsoluteUri,
        ["Vendors:Alotech:AppToken"] = simulator.State.Options.AppToken,
        // The simulator allows any rate: a local run need not wait for the real vendor's pace.
        ["Vendors:Alotech:Http:RateLimit"] = "50/1s",
        ["Vendors:Alotech:TimeZone"] = simulator.State.Options.TimeZone,
        ["Vendors:Alotech:Http:RetryBaseDelay"] = "00:00:00.200",
    };

    public static async Task<IVendorSimulation> StartAsync(CancellationToken cancellationToken)
    {
        var simulator = await AlotechSimulator.StartAsync(new AlotechSimulatorOptions { MalformedEvery = 97 }, cancellationToken).ConfigureAwait(false);
        simulator.Faults.RandomFaultRate = 0.05;
        simulator.Faults.RandomKinds = [AlotechFault.TooManyRequests, AlotechFault.ServerError];
        return new AlotechSimulation(simulator);
    }

    public int ValidCallsBetween(DateTimeOffset fromUtc, DateTimeOffset toUtc) => simulator.ValidCallsBetween(fromUtc, toUtc).Count;

    public string? SampleCallId(DateTimeOffset fromUtc, DateTimeOffset toUtc) =>
        simulator.ValidCallsBetween(fromUtc, toUtc).LastOrDefault(c => c.Answered)?.Key;

    public ValueTask DisposeAsync() => simulator.DisposeAsync();
}
