using System.Net;
using Azure.Data.Tables;
using CdrFunctions.Pipeline.Api;
using CdrFunctions.Pipeline.Lookup;
using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Pipeline.Pull;
using CdrFunctions.Pipeline.Storage;
using CdrFunctions.Simulators.DeepCall;
using CdrFunctions.Vendors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace CdrFunctions.Tests.Integration;

/// <summary>The shared Azurite (a storage account of its own), the DeepCall simulator and the production service graph wired by configuration.</summary>
internal sealed class DeepCallHarness : IAsyncDisposable
{
    public const string WebhookSecret = "hook-secret-7d1e0c55b9a24f63";

    /// <summary>The host's function key (the local host's <c>Run:ApiKey</c>).</summary>
    public const string HostKey = "host-key-5b2f0e6c1d";

    /// <summary>The push URL DeepCall is given: the webhook <see cref="StartWebhookAsync"/> returned, with the key in <c>?code=</c>.</summary>
    public static Uri WebhookUrl(Uri hook) => new(hook + "?code=" + HostKey);

    /// <summary>The deprecated push URL: the secret as the last path segment (and the key).</summary>
    public static Uri LegacyWebhookUrl(Uri hook, string secret = WebhookSecret) => new(hook + "/" + secret + "?code=" + HostKey);

    private WebApplication? _webhookHost;

    private DeepCallHarness(DeepCallSimulator simulator, Dictionary<string, string?> config, FakeTimeProvider time)
    {
        Simulator = simulator;
        Config = config;
        Time = time;
        Services = Build(new ServiceCollection()).BuildServiceProvider(validateScopes: true);
    }

    public DeepCallSimulator Simulator { get; }
    public Dictionary<string, string?> Config { get; }
    public FakeTimeProvider Time { get; }
    public ServiceProvider Services { get; }
    public FakeLogCollector Logs => Services.GetFakeLogCollector();
    public PullRunner Runner => Services.GetRequiredService<PullRunner>();
    public Normalizer Normalizer => Services.GetRequiredService<Normalizer>();
    public CallLookup Lookup => Services.GetRequiredService<CallLookup>();
    public CdrStorage Storage => Services.GetRequiredService<CdrStorage>();

    public static async Task<DeepCallHarness> StartAsync(DeepCallSimulatorOptions? simulatorOptions = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var storage = await AzuriteFixture.NewStorageAsync();
        var simulator = await DeepCallSimulator.StartAsync(simulatorOptions ?? new DeepCallSimulatorOptions());
        var config = new Dictionary<string, string?>
        {
            ["CdrStorage"] = storage,
            ["Vendors:DeepCall:Enabled"] = "true",
            ["Vendors:DeepCall:Host"] = simulator.BaseUrl.AbsoluteUri,
            ["Vendors:DeepCall:UserId"] = simulator.State.Options.UserId,
            ["Vendors:DeepCall:Token"] = simulator.State.Options.Token,
            ["Vendors:DeepCall:Webhook:Secret"] = WebhookSecret,
            ["Vendors:DeepCall:Http:RetryBaseDelay"] = "00:00:00.010",
            ["Vendors:DeepCall:Http:MaxRetryDelay"] = "00:00:00.200",
            ["Vendors:DeepCall:Http:MaxRetries"] = "10",
            ["Vendors:DeepCall:Http:AttemptTimeout"] = "00:00:02",
            ["Vendors:DeepCall:Http:TotalTimeout"] = "00:01:00",
            ["Vendors:DeepCall:Http:MinimumThroughput"] = "1000",
            // The simulator enforces no limit unless told; a generous one keeps the limiter in the path without slowing tests.
            ["Vendors:DeepCall:Http:RateLimit"] = "200/1s",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            config[k] = v;
        }
        return new DeepCallHarness(simulator, config, new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 12, 7, 0, TimeSpan.Zero)));
    }

    private IServiceCollection Build(IServiceCollection services)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Config).Build();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddFakeLogging());
        services.AddSingleton<TimeProvider>(Time);
        services.AddCdrFunctions(configuration);
        return services;
    }

    /// <summary>
    /// Hosts the webhook the way the local host does (<c>cdr run</c>'s routing behind its key check) on a real Kestrel,
    /// with the production graph. Returns <c>.../api/webhooks/deepcall</c>, no key.
    /// </summary>
    public async Task<(Uri Url, FakeLogCollector Logs)> StartWebhookAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        Build(builder.Services);
        // The cdr appsettings.json beside the tests would filter Information out; the secret check needs everything.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:CdrFunctions"] = "Trace",
        });
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _webhookHost = builder.Build();
        _webhookHost.MapCdrApi(HostKey);
        await _webhookHost.StartAsync();
        var address = _webhookHost.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return (new Uri(address.TrimEnd('/') + "/api/webhooks/deepcall"), _webhookHost.Services.GetFakeLogCollector());
    }

    public async Task<List<NormalizeResult>> NormalizeAllAsync(DateTimeOffset from, DateTimeOffset to)
    {
        var results = new List<NormalizeResult>();
        foreach (var blob in await Normalizer.ListRawBlobsAsync("deepcall", from, to, CancellationToken.None))
        {
            results.Add(await Normalizer.NormalizeAsync(blob, CancellationToken.None));
        }
        return results;
    }

    public async Task<List<string>> RawBlobsAsync(string prefix)
    {
        var names = new List<string>();
        if (!await Storage.Raw.ExistsAsync())
        {
            return names;
        }
        await foreach (var b in Storage.Raw.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, prefix, CancellationToken.None))
        {
            names.Add(b.Name);
        }
        return names;
    }

    public async Task<int> DayRowsAsync(string day)
    {
        var rows = 0;
        await foreach (var _ in Storage.Calls.QueryAsync<TableEntity>(e => e.PartitionKey == $"day|deepcall|{day}"))
        {
            rows++;
        }
        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        if (_webhookHost is not null)
        {
            await _webhookHost.StopAsync();
            await _webhookHost.DisposeAsync();
        }
        await Services.DisposeAsync();
        await Simulator.DisposeAsync();
    }
}
