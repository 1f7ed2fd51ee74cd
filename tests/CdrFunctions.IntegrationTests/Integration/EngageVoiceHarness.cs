using CdrFunctions.Pipeline.Lookup;
using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Pipeline.Pull;
using CdrFunctions.Pipeline.Storage;
using CdrFunctions.Simulators.EngageVoice;
using CdrFunctions.Vendors;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace CdrFunctions.Tests.Integration;

/// <summary>
/// The shared Azurite (a storage account of its own) + the Engage Voice simulator (which also plays the RingCentral platform) + the production service
/// graph from configuration, in RingCentral JWT mode unless settings say otherwise. The simulator's tokens
/// and exchange limit run on the same fake clock as the connector.
/// </summary>
internal sealed class EngageVoiceHarness : IAsyncDisposable
{
    private EngageVoiceHarness(EngageVoiceSimulator simulator, ServiceProvider services, FakeTimeProvider time)
    {
        Simulator = simulator;
        Services = services;
        Time = time;
    }

    public EngageVoiceSimulator Simulator { get; }
    public ServiceProvider Services { get; }
    public FakeTimeProvider Time { get; }
    public FakeLogCollector Logs => Services.GetFakeLogCollector();
    public PullRunner Runner => Services.GetRequiredService<PullRunner>();
    public Normalizer Normalizer => Services.GetRequiredService<Normalizer>();
    public CallLookup Lookup => Services.GetRequiredService<CallLookup>();
    public CdrStorage Storage => Services.GetRequiredService<CdrStorage>();

    public static async Task<EngageVoiceHarness> StartAsync(
        EngageVoiceSimulatorOptions? simulatorOptions = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 12, 7, 0, TimeSpan.Zero));
        var options = simulatorOptions ?? new EngageVoiceSimulatorOptions();
        options.Time = time;
        var storage = await AzuriteFixture.NewStorageAsync();
        var simulator = await EngageVoiceSimulator.StartAsync(options);
        var config = new Dictionary<string, string?>
        {
            ["CdrStorage"] = storage,
            ["Vendors:EngageVoice:Enabled"] = "true",
            ["Vendors:EngageVoice:BaseUrl"] = simulator.BaseUrl.AbsoluteUri,
            ["Vendors:EngageVoice:RingCentralServer"] = simulator.BaseUrl.AbsoluteUri,
            ["Vendors:EngageVoice:AuthMode"] = "RingCentralJwt",
            ["Vendors:EngageVoice:Jwt"] = options.Jwt,
            ["Vendors:EngageVoice:ClientId"] = options.ClientId,
            ["Vendors:EngageVoice:ClientSecret"] = options.ClientSecret,
            ["Vendors:EngageVoice:AccountId"] = options.AccountId,
            ["Vendors:EngageVoice:GroupBy"] = "PROFILE",
            ["Vendors:EngageVoice:ProfileGroupIds:0"] = "null",
            ["Vendors:EngageVoice:ProfileGroupIds:1"] = "10",
            ["Vendors:EngageVoice:ProfileIds:0"] = "1111",
            ["Vendors:EngageVoice:ProfileIds:1"] = "2222",
            ["Vendors:EngageVoice:ProfileIds:2"] = "3333",
            ["Vendors:EngageVoice:TimeZone"] = "US/Eastern",
            ["Vendors:EngageVoice:Http:RetryBaseDelay"] = "00:00:00.010",
            ["Vendors:EngageVoice:Http:MaxRetryDelay"] = "00:00:00.200",
            ["Vendors:EngageVoice:Http:MaxRetries"] = "10",
            ["Vendors:EngageVoice:Http:AttemptTimeout"] = "00:00:05",
            ["Vendors:EngageVoice:Http:TotalTimeout"] = "00:01:00",
            ["Vendors:EngageVoice:Http:MinimumThroughput"] = "1000",
            // The simulator enforces no limit unless told; a generous one keeps the limiter in the path without slowing tests.
            ["Vendors:EngageVoice:Http:RateLimit"] = "200/1s",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            // A null setting removes the harness default (e.g. the configured ids).
            if (v is null)
            {
                config.Remove(k);
            }
            else
            {
                config[k] = v;
            }
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(config).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddFakeLogging());
        services.AddSingleton<TimeProvider>(time);
        services.AddCdrFunctions(configuration);
        return new EngageVoiceHarness(simulator, services.BuildServiceProvider(validateScopes: true), time);
    }

    /// <summary>Settings of the interaction-metadata stream against the simulator's account and two sub-accounts.</summary>
    public static Dictionary<string, string?> InteractionMetadata(EngageVoiceSimulatorOptions? simulator = null)
    {
        var o = simulator ?? new EngageVoiceSimulatorOptions();
        var settings = new Dictionary<string, string?>
        {
            ["Vendors:EngageVoice:Stream"] = "InteractionMetadata",
            ["Vendors:EngageVoice:RingCentralAccountId"] = o.RingCentralAccountId,
        };
        for (var i = 0; i < o.SubAccountIds.Count; i++)
        {
            settings[$"Vendors:EngageVoice:SubAccountIds:{i}"] = o.SubAccountIds[i];
        }
        return settings;
    }

    public async Task<List<NormalizeResult>> NormalizeAllAsync(DateTimeOffset from, DateTimeOffset to)
    {
        var results = new List<NormalizeResult>();
        foreach (var blob in await Normalizer.ListRawBlobsAsync("engagevoice", from, to, CancellationToken.None))
        {
            results.Add(await Normalizer.NormalizeAsync(blob, CancellationToken.None));
        }
        return results;
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Simulator.DisposeAsync();
    }
}
