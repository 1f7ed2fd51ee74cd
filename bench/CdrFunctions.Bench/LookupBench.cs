using System.Diagnostics;
using System.Net;
using Azure.Data.Tables;
using CdrFunctions.Pipeline.Api;
using CdrFunctions.Pipeline.Storage;
using CdrFunctions.Simulators.Common;
using CdrFunctions.Vendors;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CdrFunctions.Bench;

/// <summary>
/// Latency of <c>GET /api/calls/{vendor}/{callId}</c> on a local Kestrel (the production routing and key check)
/// against the baseline of a raw <see cref="TableClient"/> point read of the same row, both from
/// <see cref="Clients"/> concurrent clients over the same Azurite.
/// </summary>
internal sealed class LookupBench : IAsyncDisposable
{
    public const int Clients = 16;
    private const string Key = "bench-key-0123456789";

    private readonly LocalServer _app;
    private readonly HttpClient _http;
    private readonly TableClient _calls;
    private readonly IReadOnlyList<string> _ids;

    private LookupBench(LocalServer app, HttpClient http, TableClient calls, IReadOnlyList<string> ids)
    {
        _app = app;
        _http = http;
        _calls = calls;
        _ids = ids;
    }

    public static async Task<LookupBench> StartAsync(string storageConnectionString, IReadOnlyList<string> callIds, CancellationToken cancellationToken)
    {
        var app = await LocalKestrel.StartAsync(
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["CdrStorage"] = storageConnectionString });
                builder.Services.AddCdrFunctions(builder.Configuration);
            },
            routes => routes.MapCdrApi(Key),
            cancellationToken);
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients * 2 }) { BaseAddress = new Uri(app.BaseUrl, "api/") };
        http.DefaultRequestHeaders.Add(CdrApiRoutes.KeyHeader, Key);
        var calls = app.Services.GetRequiredService<CdrStorage>().Calls;
        return new LookupBench(app, http, calls, callIds);
    }

    /// <summary>One round of lookups over HTTP; latencies in milliseconds.</summary>
    public Task<double[]> ApiAsync(int requestsPerClient, CancellationToken cancellationToken) =>
        RunAsync(requestsPerClient, async (id, ct) =>
        {
            using var response = await _http.GetAsync($"calls/alotech/{Uri.EscapeDataString(id)}", ct);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"Lookup of {id} answered {(int)response.StatusCode}.");
            }
            await response.Content.CopyToAsync(Stream.Null, ct);
        }, cancellationToken);

    /// <summary>Baseline round: the point read the API makes, straight from the SDK.</summary>
    public Task<double[]> PointReadAsync(int requestsPerClient, CancellationToken cancellationToken) =>
        RunAsync(requestsPerClient, async (id, ct) =>
        {
            var (pk, rk) = TableKeys.ById("alotech", id);
            var row = await _calls.GetEntityIfExistsAsync<TableEntity>(pk, rk, cancellationToken: ct);
            if (!row.HasValue)
            {
                throw new InvalidOperationException($"No row for {id}.");
            }
        }, cancellationToken);

    private async Task<double[]> RunAsync(int requestsPerClient, Func<string, CancellationToken, Task> lookup, CancellationToken cancellationToken)
    {
        var latencies = new double[Clients * requestsPerClient];
        var workers = Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            for (var i = 0; i < requestsPerClient; i++)
            {
                var n = (client * requestsPerClient) + i;
                var start = Stopwatch.GetTimestamp();
                await lookup(_ids[(n * 7919) % _ids.Count], cancellationToken);
                latencies[n] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }, cancellationToken));
        await Task.WhenAll(workers);
        return latencies;
    }

    public static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }
}
