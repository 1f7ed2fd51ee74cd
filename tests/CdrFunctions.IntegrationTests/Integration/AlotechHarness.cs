using Azure.Data.Tables;
using CdrFunctions.Pipeline.Lookup;
using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Pipeline.Pull;
using CdrFunctions.Pipeline.Storage;
using CdrFunctions.Simulators.Alotech;
using CdrFunctions.Vendors;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace CdrFunctions.Tests.Integration;

/// <summary>
/// The shared Azurite (a storage account of its own) plus the Alotech simulator plus the production service
/// graph, wired by configuration exactly as the hosts wire it. One per test, so tests never share state.
/// </summary>
internal sealed class AlotechHarness : IAsyncDisposable
{
    private AlotechHarness(string storage, AlotechSimulator simulator, ServiceProvider services, FakeTimeProvider time)
    {
        StorageConnection = storage;
        Simulator = simulator;
        Services = services;
        Time = time;
    }

    public string StorageConnection { get; }
    public AlotechSimulator Simulator { get; }
    public ServiceProvider Services { get; }
    public FakeTimeProvider Time { get; }
    public FakeLogCollector Logs => Services.GetFakeLogCollector();
    public PullRunner Runner => Services.GetRequiredService<PullRunner>();
    public Normalizer Normalizer => Services.GetRequiredService<Normalizer>();
    public CallLookup Lookup => Services.GetRequiredService<CallLookup>();
    public CdrStorage Storage => Services.GetRequiredService<CdrStorage>();

    public static async Task<AlotechHarness> StartAsync(
        AlotechSimulatorOptions? simulatorOptions = null, IReadOnlyDictionary<string, string?>? settings = null, DateTimeOffset? now = null)
    {
        var storage = await AzuriteFixture.NewStorageAsync();
        var simulator = await AlotechSimulator.StartAsync(simulatorOptions ?? new AlotechSimulatorOptions());
        var time = new FakeTimeProvider(now ?? new DateTimeOffset(2026, 11, 22, 12, 7, 0, TimeSpan.Zero));
        return new AlotechHarness(storage, simulator, BuildServices(storage, simulator, time, settings), time);
    }

    /// <summary>Another service graph on the same storage and simulator, e.g. with a setting changed between runs.</summary>
    public ServiceProvider CreateServices(IReadOnlyDictionary<string, string?> settings) => BuildServices(StorageConnection, Simulator, Time, settings);

    private static ServiceProvider BuildServices(string storage, AlotechSimulator simulator, TimeProvider time, IReadOnlyDictionary<string, string?>? settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings(storage, simulator, settings)).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddFakeLogging());
        services.AddSingleton(time);
        services.AddCdrFunctions(configuration);
        return services.BuildServiceProvider(validateScopes: true);
    }

    /// <summary>The configuration every host in the tests gets: this storage account, Alotech on this simulator, fast retries.</summary>
    public static Dictionary<string, string?> Settings(string storage, AlotechSimulator simulator, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var config = new Dictionary<string, string?>
        {
            ["CdrStorage"] = storage,
            ["Vendors:Alotech:Enabled"] = "true",
            ["Vendors:Alotech:BaseUrl"] = simulator.BaseUrl.AbsoluteUri,
            ["Vendors:Alotech:AppToken"] = simulator.State.Options.AppToken,
            ["Vendors:Alotech:TimeZone"] = simulator.State.Options.TimeZone,
            ["Vendors:Alotech:Http:RetryBaseDelay"] = "00:00:00.010",
            ["Vendors:Alotech:Http:MaxRetryDelay"] = "00:00:00.200",
            ["Vendors:Alotech:Http:MaxRetries"] = "10",
            ["Vendors:Alotech:Http:AttemptTimeout"] = "00:00:02",
            ["Vendors:Alotech:Http:TotalTimeout"] = "00:01:00",
            ["Vendors:Alotech:Http:MinimumThroughput"] = "1000",
            // The simulator enforces no limit unless told; a generous one keeps the limiter in the path without slowing tests.
            ["Vendors:Alotech:Http:RateLimit"] = "200/1s",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            config[k] = v;
        }
        return config;
    }

    public async Task<List<NormalizeResult>> NormalizeAllAsync(DateTimeOffset from, DateTimeOffset to)
    {
        var results = new List<NormalizeResult>();
        foreach (var blob in await Normalizer.ListRawBlobsAsync("alotech", from, to, CancellationToken.None))
        {
            results.Add(await Normalizer.NormalizeAsync(blob, CancellationToken.None));
        }
        return results;
    }

    /// <summary>Every row of the calls table, keyed, for before/after comparisons.</summary>
    public async Task<Dictionary<(string, string), TableEntity>> TableSnapshotAsync()
    {
        var rows = new Dictionary<(string, string), TableEntity>();
        await foreach (var e in Storage.Calls.QueryAsync<TableEntity>())
        {
            rows[(e.PartitionKey, e.RowKey)] = e;
        }
        return rows;
    }

    public static async Task<Dictionary<string, string>> BlobSnapshotAsync(Azure.Storage.Blobs.BlobContainerClient container)
    {
        var blobs = new Dictionary<string, string>();
        await foreach (var b in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, null, CancellationToken.None))
        {
            blobs[b.Name] = (await container.GetBlobClient(b.Name).DownloadContentAsync()).Value.Content.ToString();
        }
        return blobs;
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Simulator.DisposeAsync();
    }
}
