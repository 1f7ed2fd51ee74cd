using CdrFunctions.Pipeline.Api;
using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Pipeline.Pull;
using CdrFunctions.Simulators.Alotech;
using CdrFunctions.Tests.Integration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CdrFunctions.Tests.Api;

/// <summary>
/// The lookup API on a real Kestrel (free port) with the production routing (<see cref="CdrApiEndpoints.MapCdrApi"/>) and
/// service graph over the Alotech harness, seeded by a pull of 2026-11-22 00:00–12:00 UTC.
/// </summary>
internal sealed class ApiHarness : IAsyncDisposable
{
    public const string Key = "test-key-0123456789";
    public static readonly DateTimeOffset From = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset To = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private readonly AlotechHarness _vendor;

    private ApiHarness(AlotechHarness vendor, IServiceProvider services, HttpClient client)
    {
        _vendor = vendor;
        Services = services;
        Client = client;
    }

    public AlotechSimulator Simulator => _vendor.Simulator;

    /// <summary>Sends the key on every request.</summary>
    public HttpClient Client { get; }

    /// <summary>The API host's services.</summary>
    public IServiceProvider Services { get; }

    public FakeTimeProvider Time => _vendor.Time;

    public static async Task<ApiHarness> StartAsync(bool seed = true, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var vendor = await AlotechHarness.StartAsync(settings: settings);
        var (root, services) = await vendor.StartApiAsync(Key);
        var client = new HttpClient { BaseAddress = new Uri(root, "api/") };
        client.DefaultRequestHeaders.Add(CdrApiRoutes.KeyHeader, Key);
        if (seed)
        {
            await services.GetRequiredService<PullRunner>().BackfillAsync("alotech", From, To, null, CancellationToken.None);
            var normalizer = services.GetRequiredService<Normalizer>();
            foreach (var blob in await normalizer.ListRawBlobsAsync("alotech", From, To, CancellationToken.None))
            {
                await normalizer.NormalizeAsync(blob, CancellationToken.None);
            }
        }
        return new ApiHarness(vendor, services, client);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _vendor.DisposeAsync();
    }
}
