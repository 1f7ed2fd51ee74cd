using CdrFunctions.Simulators.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CdrFunctions.Simulators.EngageVoice;

/// <summary>
/// A local Engage Voice host (current <c>/voice/api/v1</c> paths and legacy <c>/api/v1</c> paths), its
/// token endpoints, and a fake RingCentral platform token endpoint, on one Kestrel port.
/// </summary>
public sealed class EngageVoiceSimulator : IAsyncDisposable
{
    private readonly LocalServer _server;

    private EngageVoiceSimulator(EngageVoiceSimulatorState state, LocalServer server)
    {
        State = state;
        _server = server;
    }

    /// <summary>Root of the host, e.g. <c>http://127.0.0.1:54321/</c>; also the RingCentral platform root.</summary>
    public Uri BaseUrl => _server.BaseUrl;

    public EngageVoiceSimulatorState State { get; }

    public EngageVoiceFaults Faults => State.Faults;

    public IReadOnlyList<EngageVoiceRequestLog> Requests => State.Requests;

    public static async Task<EngageVoiceSimulator> StartAsync(EngageVoiceSimulatorOptions options, CancellationToken ct = default)
    {
        var state = new EngageVoiceSimulatorState(options);
        var server = await LocalKestrel.StartAsync(endpoints => Map(endpoints, state), ct).ConfigureAwait(false);
        return new EngageVoiceSimulator(state, server);
    }

    public static void Map(IEndpointRouteBuilder endpoints, EngageVoiceSimulatorState state)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(state);
        var api = new EngageVoiceApiEndpoints(state);
        RequestDelegate rcToken = api.RingCentralTokenAsync;
        RequestDelegate exchange = api.ExchangeAsync;
        RequestDelegate refresh = api.RefreshAsync;
        var report = state.Pacing.Wrap(api.ReportAsync);
        RequestDelegate inputControls = api.InputControlsAsync;
        RequestDelegate interactionMetadata = api.InteractionMetadataAsync;
        endpoints.MapPost("/restapi/oauth/token", rcToken);
        endpoints.MapPost("/api/auth/login/rc/accesstoken", exchange);
        endpoints.MapPost("/api/auth/token/refresh", refresh);
        endpoints.MapPost("/voice/api/cx/integration/v1/accounts/{rcAccountId}/sub-accounts/{subAccountId}/interaction-metadata", interactionMetadata);
        foreach (var prefix in new[] { "/voice/api/v1", "/api/v1" })
        {
            endpoints.MapPost(prefix + "/admin/accounts/{accountId}/reportsStreaming", report);
            endpoints.MapGet(prefix + "/admin/accounts/{accountId}/users/{userId}/reports/inputControls", inputControls);
        }
    }

    public IReadOnlyList<SimulatedEngageVoiceCall> ValidCallsBetween(DateTimeOffset fromUtc, DateTimeOffset toUtc) =>
        State.ValidCallsBetween(fromUtc, toUtc);

    public IReadOnlyList<SimulatedEngageVoiceCall> MalformedCallsBetween(DateTimeOffset fromUtc, DateTimeOffset toUtc) =>
        State.MalformedCallsBetween(fromUtc, toUtc);

    /// <summary>interaction-metadata requests, and how many of them got 429.</summary>
    public IReadOnlyList<EngageVoiceRequestLog> InteractionRequests => Requests.Where(r => r.Endpoint == EngageVoiceEndpoint.InteractionMetadata).ToList();

    /// <summary>Requests that reached the RingCentral → Engage token exchange (accepted or not).</summary>
    public int ExchangeRequests => Requests.Count(r => r.Endpoint == EngageVoiceEndpoint.Exchange);

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
