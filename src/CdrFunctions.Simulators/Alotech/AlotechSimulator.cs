using CdrFunctions.Simulators.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CdrFunctions.Simulators.Alotech;

/// <summary>
/// A local Alotech tenant: <c>GET {BaseUrl}api/?function=reportsCDRLogs&amp;...</c> plus
/// <c>GET|POST {BaseUrl}_simulator/faults</c>. A thin Kestrel host around <see cref="AlotechSimulatorState"/>.
/// </summary>
public sealed class AlotechSimulator : IAsyncDisposable
{
    private readonly LocalServer _server;

    private AlotechSimulator(AlotechSimulatorState state, LocalServer server)
    {
        State = state;
        _server = server;
    }

    /// <summary>Root of the tenant, e.g. <c>http://127.0.0.1:54321/</c>.</summary>
    public Uri BaseUrl => _server.BaseUrl;

    public AlotechSimulatorState State { get; }

    public AlotechFaults Faults => State.Faults;

    public IReadOnlyList<AlotechRequestLog> Requests => State.Requests;

    /// <summary>Starts on 127.0.0.1 with a free port.</summary>
    public static async Task<AlotechSimulator> StartAsync(AlotechSimulatorOptions options, CancellationToken ct = default)
    {
        var state = new AlotechSimulatorState(options);
        var server = await LocalKestrel.StartAsync(endpoints => Map(endpoints, state), ct).ConfigureAwait(false);
        return new AlotechSimulator(state, server);
    }

    /// <summary>
    /// Maps the simulator's endpoints onto any ASP.NET Core app. To host several vendors in one app, pass a
    /// route group (e.g. <c>app.MapGroup("/alotech")</c>) so the <c>/_simulator</c> paths don't collide.
    /// </summary>
    public static void Map(IEndpointRouteBuilder endpoints, AlotechSimulatorState state)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(state);
        var api = new AlotechApiEndpoint(state);
        var faults = new AlotechFaultsEndpoint(state);
        // Explicit RequestDelegate variables pick the raw-HttpContext overloads, not minimal-API binding.
        RequestDelegate serveApi = state.Pacing.Wrap(api.HandleAsync);
        RequestDelegate getFaults = faults.GetAsync;
        RequestDelegate postFaults = faults.PostAsync;
        endpoints.MapGet("/api", serveApi);
        endpoints.MapGet("/_simulator/faults", getFaults);
        endpoints.MapPost("/_simulator/faults", postFaults);
    }

    public IReadOnlyList<SimulatedAlotechCall> ValidCallsBetween(DateTimeOffset fromUtc, DateTimeOffset toUtc) =>
        State.ValidCallsBetween(fromUtc, toUtc);

    public IReadOnlyList<SimulatedAlotechCall> MalformedCallsBetween(DateTimeOffset fromUtc, DateTimeOffset toUtc) =>
        State.MalformedCallsBetween(fromUtc, toUtc);

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
