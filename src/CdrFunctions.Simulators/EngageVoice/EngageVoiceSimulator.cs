using CdrFunctions.Simulators.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CdrFunctions.Simulators.EngageVoice;

/// <summary>
/// A local Engage Voice host (current <c>/voice/api/v1</c> paths and legacy <c>/api/v1</c> paths), its token
/// endpoints, and a fake RingCentral platform token endpoint, on one port (<c>BaseUrl</c> is both roots).
/// </summary>
public sealed class EngageVoiceSimulator : SimulatorHost<EngageVoiceSimulatorState, EngageVoiceFault, EngageVoiceRequestLog>
{
    private EngageVoiceSimulator(EngageVoiceSimulatorState state)
        : base(state)
    {
    }

    public static Task<EngageVoiceSimulator> StartAsync(EngageVoiceSimulatorOptions options, CancellationToken ct = default) =>
        ServeAsync(new EngageVoiceSimulator(new EngageVoiceSimulatorState(options)), ct);

    private protected override void Map(IEndpointRouteBuilder endpoints)
    {
        var tokens = new EngageVoiceTokenEndpoints(State);
        var reports = new EngageVoiceReportEndpoints(State);
        // Explicit RequestDelegate variables pick the raw-HttpContext overloads, not minimal-API binding.
        RequestDelegate rcToken = tokens.RingCentralTokenAsync;
        RequestDelegate exchange = tokens.ExchangeAsync;
        RequestDelegate refresh = tokens.RefreshAsync;
        // The account's routes share one pacer, as an account-wide limit would. Not the token routes: RingCentral's
        // is another host in production, and the exchange has its own documented limit (ExchangesPerMinute).
        var inputControls = State.Pacing.Wrap(reports.InputControlsAsync);
        var interactionMetadata = State.Pacing.Wrap(new EngageVoiceInteractionEndpoint(State).InteractionMetadataAsync);
        var report = State.Pacing.Wrap(reports.ReportAsync);
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
}
