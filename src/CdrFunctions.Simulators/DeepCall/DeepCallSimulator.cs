using System.Net.Http.Headers;
using System.Text;
using CdrFunctions.Simulators.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace CdrFunctions.Simulators.DeepCall;

/// <summary>
/// A local DeepCall account: <c>POST /api/v2/callreport/list/</c>, <c>/api/v2/callreport/reportCount/</c> and
/// <c>/api/v2/CallReport/detail</c> (<see cref="SimulatorHost{TState, TFault, TLog}.BaseUrl"/> is the connector's
/// <c>Host</c> setting), plus pushing reports to a webhook.
/// </summary>
public sealed class DeepCallSimulator : SimulatorHost<DeepCallSimulatorState, DeepCallFault, DeepCallRequestLog>
{
    private DeepCallSimulator(DeepCallSimulatorState state)
        : base(state)
    {
    }

    public static Task<DeepCallSimulator> StartAsync(DeepCallSimulatorOptions? options = null, CancellationToken ct = default) =>
        ServeAsync(new DeepCallSimulator(new DeepCallSimulatorState(options ?? new DeepCallSimulatorOptions())), ct);

    /// <summary>Routes match case-insensitively, with or without a trailing slash.</summary>
    private protected override void Map(IEndpointRouteBuilder endpoints)
    {
        var api = new DeepCallApiEndpoint(State);
        endpoints.MapPost("/api/v2/callreport/list", State.Pacing.Wrap(c => api.HandleAsync(c, DeepCallApiEndpoint.Kind.List)));
        endpoints.MapPost("/api/v2/callreport/reportCount", State.Pacing.Wrap(c => api.HandleAsync(c, DeepCallApiEndpoint.Kind.Count)));
        endpoints.MapPost("/api/v2/CallReport/detail", State.Pacing.Wrap(c => api.HandleAsync(c, DeepCallApiEndpoint.Kind.Detail)));
    }

    public IReadOnlyList<SimulatedDeepCall> ValidCallsBetween(DateTimeOffset fromUtc, DateTimeOffset toUtc) =>
        State.ValidCallsBetween(fromUtc, toUtc);

    /// <summary>DeepCall's activation check: a GET the webhook must answer with <c>GODBLESSYOU</c>.</summary>
    public static async Task<(int Status, string Body)> ActivateWebhookAsync(HttpClient http, Uri webhook, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var response = await http.GetAsync(webhook, ct).ConfigureAwait(false);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
    }

    /// <summary>Pushes the call's report as DeepCall does: a JSON body, or form-encoded <c>push_report=&lt;json&gt;</c>.</summary>
    public async Task<(int Status, string Body)> PushAsync(HttpClient http, Uri webhook, SimulatedDeepCall call, bool formEncoded = false, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(call);
        var json = call.PushReportJson(State.Options.UserId);
        using HttpContent content = formEncoded
            ? new FormUrlEncodedContent([new KeyValuePair<string, string>("push_report", json)])
            : new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        using var response = await http.PostAsync(webhook, content, ct).ConfigureAwait(false);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
    }
}
