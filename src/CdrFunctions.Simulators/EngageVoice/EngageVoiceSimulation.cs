using CdrFunctions.Simulators.Common;

namespace CdrFunctions.Simulators.EngageVoice;

/// <summary>The Engage Voice simulator for local runs, reached with a permanent API token (the simplest credential mode).</summary>
public sealed class EngageVoiceSimulation(EngageVoiceSimulator simulator) : IVendorSimulation
{
    public string Vendor => "engagevoice";

    public IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Vendors:EngageVoice:Enabled"] = "true",
        ["Vendors:EngageVoice:BaseUrl"] = simulator.BaseUrl.AbsoluteUri,
        ["Vendors:EngageVoice:AuthMode"] = "ApiToken",
        ["Vendors:EngageVoice:ApiToken"] = simulator.State.Options.ApiToken,
        ["Vendors:EngageVoice:AccountId"] = simulator.State.Options.AccountId,
        ["Vendors:EngageVoice:GroupBy"] = "PROFILE",
        ["Vendors:EngageVoice:ProfileGroupIds:0"] = "null",
        ["Vendors:EngageVoice:ProfileIds:0"] = "1111",
        ["Vendors:EngageVoice:ProfileIds:1"] = "2222",
        ["Vendors:EngageVoice:TimeZone"] = "US/Eastern",
        ["Vendors:EngageVoice:Http:RetryBaseDelay"] = "00:00:00.200",
        // The simulator allows any rate: a local run need not wait for the real vendor's pace.
        ["Vendors:EngageVoice:Http:RateLimit"] = "50/1s",
    };

    public static async Task<IVendorSimulation> StartAsync(CancellationToken cancellationToken) =>
        new EngageVoiceSimulation(await EngageVoiceSimulator.StartAsync(new EngageVoiceSimulatorOptions { MalformedEvery = 113 }, cancellationToken).ConfigureAwait(false));

    public int ValidCallsBetween(DateTimeOffset fromUtc, DateTimeOffset toUtc) => simulator.ValidCallsBetween(fromUtc, toUtc).Count;

    public string? SampleCallId(DateTimeOffset fromUtc, DateTimeOffset toUtc) =>
        simulator.ValidCallsBetween(fromUtc, toUtc).LastOrDefault(c => c.CallResult == "CONNECTED")?.Uii;

    public ValueTask DisposeAsync() => simulator.DisposeAsync();
}
