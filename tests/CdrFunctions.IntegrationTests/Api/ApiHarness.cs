using System.Net;
using CdrFunctions.Pipeline.Api;
using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Pipeline.Pull;
using CdrFunctions.Simulators.Alotech;
using CdrFunctions.Tests.Integration;
using CdrFunctions.Vendors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace CdrFunctions.Tests.Api;

/// <summary>
/// The lookup API on a real Kestrel (free port) over the shared Azurite (a storage account of its own), with the production routing
/// (<see cref="CdrApiEndpoints.MapCdrApi"/>) and service graph, seeded by a pull of 2026-11-22 00:00–12:00 UTC.
/// </summary>
internal sealed class ApiHarness : IAsyncDisposable
{
    public const string Key = "test-key-0123456789";
    public static readonly DateTimeOffset From = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset To = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private readonly WebApplication _app;

    private ApiHarness(AlotechSimulator simulator, WebApplication app, HttpClient client)
    {
        Simulator = simulator;
        _app = app;
        Client = client;
    }

    public AlotechSimulator Simulator { get; }

    /// <summary>Sends the key on every request.</summary>
    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public FakeTimeProvider Time => (FakeTimeProvider)_app.Services.GetRequiredService<TimeProvider>();

    public static async Task<ApiHarness> StartAsync(bool seed = true, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var storage = await AzuriteFixture.NewStorageAsync();
        var simulator = await AlotechSimulator.StartAsync(new AlotechSimulatorOptions());
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(AlotechHarness.Settings(storage, simulator));
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 12, 7, 0, TimeSpan.Zero)));
        builder.Services.AddCdrFunctions(builder.Configuration);
        var app = builder.Build();
        app.MapCdrApi(Key);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address.TrimEnd('/') + "/api/") };
        client.DefaultRequestHeaders.Add(CdrApiRoutes.KeyHeader, Key);
        var harness = new ApiHarness(simulator, app, client);
        if (seed)
        {
            await app.Services.GetRequiredService<PullRunner>().BackfillAsync("alotech", From, To, null, CancellationToken.None);
            var normalizer = app.Services.GetRequiredService<Normalizer>();
            foreach (var blob in await normalizer.ListRawBlobsAsync("alotech", From, To, CancellationToken.None))
            {
                await normalizer.NormalizeAsync(blob, CancellationToken.None);
            }
        }
        return harness;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Simulator.DisposeAsync();
    }
}
