using CdrFunctions.Simulators.Alotech;
using Microsoft.Extensions.Time.Testing;

namespace CdrFunctions.Tests.Integration;

/// <summary>The vendor harness on the Alotech simulator.</summary>
internal sealed class AlotechHarness : VendorHarness<AlotechSimulator>
{
    private AlotechHarness(AlotechSimulator simulator, string storage, FakeTimeProvider time, IReadOnlyDictionary<string, string?>? settings)
        : base(simulator, new AlotechSimulation(simulator), storage, time, settings)
    {
    }

    public static async Task<AlotechHarness> StartAsync(
        AlotechSimulatorOptions? simulatorOptions = null, IReadOnlyDictionary<string, string?>? settings = null, DateTimeOffset? now = null)
    {
        var storage = await AzuriteFixture.NewStorageAsync();
        var simulator = await AlotechSimulator.StartAsync(simulatorOptions ?? new AlotechSimulatorOptions());
        return new AlotechHarness(simulator, storage, new FakeTimeProvider(now ?? DefaultNow), settings);
    }

    /// <summary>The harness's configuration for a host of its own (e.g. a <c>cdr</c> process) on this storage and simulator.</summary>
    public static Dictionary<string, string?> Settings(string storage, AlotechSimulator simulator, IReadOnlyDictionary<string, string?>? settings = null) =>
        Settings(storage, new AlotechSimulation(simulator), settings);
}
