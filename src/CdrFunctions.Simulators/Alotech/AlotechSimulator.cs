using CdrFunctions.Simulators.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace CdrFunctions.Simulators.Alotech;

/// <summary>A local Alotech tenant: <c>GET {BaseUrl}api/?function=reportsCDRLogs&amp;...</c>.</summary>
public sealed class AlotechSimulator : SimulatorHost<AlotechSimulatorState, AlotechFault, AlotechRequestLog>
{
    private AlotechSimulator(AlotechSimulatorState state)
        : base(state)
    {
    }

    public static Task<AlotechSimulator> StartAsync(AlotechSimulatorOptions options, CancellationToken ct = default) =>
        ServeAsync(new AlotechSimulator(new AlotechSimulatorState(options)), ct);

    private protected override void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/api", State.Pacing.Wrap(new AlotechApiEndpoint(State).HandleAsync));

    public IReadOnlyList<SimulatedAlotechCall> ValidCallsBetween(DateTimeOffset fromUtc, DateTimeOffset toUtc) =>
        State.ValidCallsBetween(fromUtc, toUtc);

    public IReadOnlyList<SimulatedAlotechCall> MalformedCallsBetween(DateTimeOffset fromUtc, DateTimeOffset toUtc) =>
        State.MalformedCallsBetween(fromUtc, toUtc);
}
