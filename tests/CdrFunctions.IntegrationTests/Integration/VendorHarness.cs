using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CdrFunctions.Pipeline.Api;
using CdrFunctions.Pipeline.Lookup;
using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Pipeline.Pull;
using CdrFunctions.Pipeline.Storage;
using CdrFunctions.Simulators.Common;
using CdrFunctions.Vendors;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace CdrFunctions.Tests.Integration;

/// <summary>
/// The shared Azurite (a storage account of its own), one vendor's simulator and the production service graph,
/// wired by configuration as the hosts wire it: the simulator's own settings (its <see cref="IVendorSimulation"/>),
/// fast retries, then the test's. One per test, so tests never share state; each vendor's harness adds only
/// what is its own.
/// </summary>
internal abstract class VendorHarness<TSimulator> : IAsyncDisposable
    where TSimulator : IAsyncDisposable
{
    public static readonly DateTimeOffset DefaultNow = new(2026, 11, 22, 12, 7, 0, TimeSpan.Zero);

    private readonly List<LocalServer> _apis = [];

    private protected VendorHarness(TSimulator simulator, IVendorSimulation simulation, string storage, FakeTimeProvider time, params IReadOnlyDictionary<string, string?>?[] settings)
    {
        Simulator = simulator;
        Vendor = simulation.Vendor;
        Config = Settings(storage, simulation, settings);
        Time = time;
        Services = CreateServices(new Dictionary<string, string?>());
    }

    /// <summary>The vendor's name in blob paths, keys and routes.</summary>
    public string Vendor { get; }
    public TSimulator Simulator { get; }
    public IReadOnlyDictionary<string, string?> Config { get; }
    public string StorageConnection => Config["CdrStorage"]!;
    public FakeTimeProvider Time { get; }
    public ServiceProvider Services { get; }
    public FakeLogCollector Logs => Services.GetFakeLogCollector();
    public PullRunner Runner => Services.GetRequiredService<PullRunner>();
    public Normalizer Normalizer => Services.GetRequiredService<Normalizer>();
    public CallLookup Lookup => Services.GetRequiredService<CallLookup>();
    public CdrStorage Storage => Services.GetRequiredService<CdrStorage>();

    /// <summary>
    /// The configuration every host in the tests gets: this storage account, the vendor on this simulator with fast
    /// retries and a generous rate limit, then <paramref name="layers"/> in order (a null value removes a key).
    /// </summary>
    public static Dictionary<string, string?> Settings(string storage, IVendorSimulation simulation, params IReadOnlyDictionary<string, string?>?[] layers)
    {
        var section = simulation.Settings.Keys.Single(k => k.EndsWith(":Enabled", StringComparison.Ordinal))[..^":Enabled".Length];
        return Overlay(new Dictionary<string, string?>(simulation.Settings)
        {
            ["CdrStorage"] = storage,
            [$"{section}:Http:RetryBaseDelay"] = "00:00:00.010",
            [$"{section}:Http:MaxRetryDelay"] = "00:00:00.200",
            [$"{section}:Http:MaxRetries"] = "10",
            [$"{section}:Http:AttemptTimeout"] = "00:00:02",
            [$"{section}:Http:TotalTimeout"] = "00:01:00",
            [$"{section}:Http:MinimumThroughput"] = "1000",
            // The simulator enforces no limit unless told; a generous one keeps the limiter in the path without slowing tests.
            [$"{section}:Http:RateLimit"] = "200/1s",
        }, layers);
    }

    /// <summary>Another service graph on the same storage, simulator and clock, e.g. with a setting changed between runs.</summary>
    public ServiceProvider CreateServices(IReadOnlyDictionary<string, string?> settings) =>
        AddServices(new ServiceCollection(), settings).BuildServiceProvider(validateScopes: true);

    /// <summary>
    /// The hosts' HTTP routes (<see cref="CdrApiEndpoints.MapCdrApi"/> behind <paramref name="key"/>) on a real Kestrel
    /// with a graph of its own on this configuration; stopped with the harness. Its root, e.g. <c>http://127.0.0.1:5123/</c>.
    /// </summary>
    public async Task<(Uri Root, IServiceProvider Services)> StartApiAsync(string key)
    {
        var api = await LocalKestrel.StartAsync(
            builder =>
            {
                AddServices(builder.Services, new Dictionary<string, string?>());
                // The cdr appsettings.json beside the tests would filter Information out; log checks need everything.
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Logging:LogLevel:Default"] = "Trace",
                    ["Logging:LogLevel:CdrFunctions"] = "Trace",
                });
            },
            routes => routes.MapCdrApi(key),
            CancellationToken.None);
        _apis.Add(api);
        return (api.BaseUrl, api.Services);
    }

    public async Task<List<NormalizeResult>> NormalizeAllAsync(DateTimeOffset from, DateTimeOffset to)
    {
        var results = new List<NormalizeResult>();
        foreach (var blob in await Normalizer.ListRawBlobsAsync(Vendor, from, to, CancellationToken.None))
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

    /// <summary>Rows of the vendor's reconciliation partition of a day (<c>yyyyMMdd</c>).</summary>
    public async Task<int> DayRowsAsync(string day)
    {
        var rows = 0;
        await foreach (var _ in Storage.Calls.QueryAsync<TableEntity>(e => e.PartitionKey == $"day|{Vendor}|{day}"))
        {
            rows++;
        }
        return rows;
    }

    /// <summary>Names of the raw blobs under <paramref name="prefix"/> (none while the container does not exist).</summary>
    public async Task<List<string>> RawBlobsAsync(string prefix)
    {
        var names = new List<string>();
        if (await Storage.Raw.ExistsAsync())
        {
            await foreach (var b in Storage.Raw.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, CancellationToken.None))
            {
                names.Add(b.Name);
            }
        }
        return names;
    }

    /// <summary>Every blob of a container with its text.</summary>
    public static async Task<Dictionary<string, string>> BlobSnapshotAsync(BlobContainerClient container)
    {
        var blobs = new Dictionary<string, string>();
        await foreach (var b in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, null, CancellationToken.None))
        {
            blobs[b.Name] = (await container.GetBlobClient(b.Name).DownloadContentAsync()).Value.Content.ToString();
        }
        return blobs;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var api in _apis)
        {
            await api.DisposeAsync();
        }
        await Services.DisposeAsync();
        await Simulator.DisposeAsync();
    }

    private IServiceCollection AddServices(IServiceCollection services, IReadOnlyDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Overlay(Config, [settings])).Build();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddFakeLogging());
        services.AddSingleton<TimeProvider>(Time);
        services.AddCdrFunctions(configuration);
        AddVendor(services, configuration);
        return services;
    }

    /// <summary>The registration line of a vendor the production graph does not hold (a test's own vendor).</summary>
    private protected virtual void AddVendor(IServiceCollection services, IConfiguration configuration)
    {
    }

    /// <summary>Configuration keys are case-insensitive, so a layer replaces a key whatever its casing; a null value removes it.</summary>
    private static Dictionary<string, string?> Overlay(IReadOnlyDictionary<string, string?> config, IEnumerable<IReadOnlyDictionary<string, string?>?> layers)
    {
        var merged = new Dictionary<string, string?>(config, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in layers.SelectMany(layer => layer ?? new Dictionary<string, string?>()))
        {
            if (value is null)
            {
                merged.Remove(key);
            }
            else
            {
                merged[key] = value;
            }
        }
        return merged;
    }
}
