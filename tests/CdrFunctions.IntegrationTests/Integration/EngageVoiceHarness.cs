using CdrFunctions.Simulators.EngageVoice;
using Microsoft.Extensions.Time.Testing;

namespace CdrFunctions.Tests.Integration;

/// <summary>
/// The vendor harness on the Engage Voice simulator (which also plays the RingCentral platform), in RingCentral JWT
/// mode unless settings say otherwise, with all three profiles configured. The simulator's tokens and exchange
/// limit run on the same fake clock as the connector.
/// </summary>
internal sealed class EngageVoiceHarness : VendorHarness<EngageVoiceSimulator>
{
    private EngageVoiceHarness(EngageVoiceSimulator simulator, string storage, FakeTimeProvider time, IReadOnlyDictionary<string, string?>? settings)
        : base(simulator, new EngageVoiceSimulation(simulator), storage, time, AllProfiles, settings)
    {
    }

    private static Dictionary<string, string?> AllProfiles => new()
    {
        ["Vendors:EngageVoice:ProfileGroupIds:1"] = "10",
        ["Vendors:EngageVoice:ProfileIds:2"] = "3333",
        ["Vendors:EngageVoice:Http:AttemptTimeout"] = "00:00:05",
    };

    public static async Task<EngageVoiceHarness> StartAsync(
        EngageVoiceSimulatorOptions? simulatorOptions = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var time = new FakeTimeProvider(DefaultNow);
        var options = simulatorOptions ?? new EngageVoiceSimulatorOptions();
        options.Time = time;
        var storage = await AzuriteFixture.NewStorageAsync();
        return new EngageVoiceHarness(await EngageVoiceSimulator.StartAsync(options), storage, time, settings);
    }

    /// <summary>The interaction-metadata stream (the simulator's settings already name its account and sub-accounts).</summary>
    public static Dictionary<string, string?> InteractionMetadata() => new() { ["Vendors:EngageVoice:Stream"] = "InteractionMetadata" };
}
