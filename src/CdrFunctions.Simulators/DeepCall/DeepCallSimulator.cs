using System.Net.Http.Headers;
using System.Text;
using CdrFunctions.Simulators.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CdrFunctions.Simulators.DeepCall;

/// <summary>
/// A local DeepCall account: <c>POST /api/v2/callreport/list/</c>, <c>/api/v2/callreport/reportCount/</c> and
/// <c>/api/v2/CallReport/detail</c>, plus pushing reports to a webhook. A thin Kestrel host around
/// <see cref="DeepCallSimulatorState"/>.
/// </summary>
public sealed class DeepCallSimulator : IAsyncDisposable
{
    private readonly LocalServer _server;

    private DeepCallSimulator(DeepCallSimulatorState state, LocalServer server)
    {
        State = state;
        _server = server;
    }

    /// <summary>The host, e.g. <c>http://127.0.0.1:54321/</c> (the connector's <c>Host</c> setting).</summary>
    public Uri BaseUrl => _server.BaseUrl;

    public DeepCallSimulatorState State { get; }

    public DeepCallFaults Faults => State.Faults;

    public IReadOnlyList<DeepCallRequestLog> Requests => State.Requests;

    public static async Task<DeepCallSimulator> StartAsync(DeepCallSimulatorOptions? options = null, CancellationToken ct = default)
    {
        var state = new DeepCallSimulatorState(options ?? new DeepCallSimulatorOptions());
        var server = await LocalKestrel.StartAsync(endpoints => Map(endpoints, state), ct).ConfigureAwait(false);
        return new DeepCallSimulator(state, server);
    }

    /// <summary>Maps the API onto any ASP.NET Core app (routes match case-insensitively, with or without a trailing slash).</summary>
    public static void Map(IEndpointRouteBuilder endpoints, DeepCallSimulatorState state)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var api = new DeepCallApiEndpoint(state);
        var list = state.Pacing.Wrap(c => api.HandleAsync(c, DeepCallApiEndpoint.Kind.List));
        var count = state.Pacing.Wrap(c => api.HandleAsync(c, DeepCallApiEndpoint.Kind.Count));
        var detail = state.Pacing.Wrap(c => api.HandleAsync(c, DeepCallApiEndpoint.Kind.Detail));
        endpoints.MapPost("/api/v2/callreport/list", list);
        endpoints.MapPost("/api/v2/callreport/reportCount", count);
        endpoints.MapPost("/api/v2/CallReport/detail", detail);
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

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
