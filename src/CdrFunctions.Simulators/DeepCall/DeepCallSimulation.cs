using CdrFunctions.Simulators.Common;

namespace CdrFunctions.Simulators.DeepCall;

/// <summary>The DeepCall simulator for local runs: body credentials, list + count + detail enrichment.</summary>
public sealed class DeepCallSimulation(DeepCallSimulator simulator) : IVendorSimulation
{
    public string Vendor => "deepcall";

    public RequestPacer Pacing => simulator.State.Pacing;

    public IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Vendors:DeepCall:Enabled"] = "true",
        ["Vendors:DeepCall:Host"] = simulator.BaseUrl.AbsoluteUri,
        ["Vendors:DeepCall:UserId"] = simulator.State.Options.UserId,
        ["Vendors:DeepCall:Token"] = simulator.State.Options.Token,
        // The simulator allows any rate: a local run need not wait for the real vendor's pace.
        ["Vendors:DeepCall:Http:RateLimit"] = "50/1s",
        ["Vendors:DeepCall:Http:RetryBaseDelay"] = "00:00:00.200",
    };

    public static async Task<IVendorSimulation> StartAsync(CancellationToken cancellationToken) =>
        new DeepCallSimulation(await DeepCallSimulator.StartAsync(new DeepCallSimulatorOptions { CallsPerHour = 30 }, cancellationToken).ConfigureAwait(false));

    public int ValidCallsBetween(DateTimeOffset fromUtc, DateTimeOffset toUtc) => simulator.ValidCallsBetween(fromUtc, toUtc).Count;

    public string? SampleCallId(DateTimeOffset fromUtc, DateTimeOffset toUtc) =>
        simulator.ValidCallsBetween(fromUtc, toUtc).LastOrDefault(c => c.Answered)?.ClId;

    public ValueTask DisposeAsync() => simulator.DisposeAsync();
}
