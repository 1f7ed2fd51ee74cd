using System.Collections.Concurrent;
using System.Text;
using CdrFunctions.Simulators.Alotech;
using CdrFunctions.Vendors.Alotech;
using Microsoft.ApplicationInsights;
using Microsoft.ApplicationInsights.Channel;
using Microsoft.ApplicationInsights.DataContracts;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using AiJson = Microsoft.ApplicationInsights.Extensibility.Implementation.JsonSerializer;

namespace CdrFunctions.Tests.Security;

/// <summary>
/// The worker's Application Insights pipeline as the app composes it (CdrFunctionsApp, which Program.cs calls) (the real SDK, its dependency collector and
/// our processor), collecting a real HTTP call to the Alotech simulator in-process: what would go on the wire to
/// Application Insights carries no <c>app_token</c>, no function key and no configured secret.
/// </summary>
public class TelemetryRedactionTests
{
    private const string WebhookSecret = "hook-secret-7d1e0c55b9a24f63";

    [Fact]
    public async Task Dependency_request_trace_and_exception_telemetry_carry_no_secret()
    {
        await using var simulator = await AlotechSimulator.StartAsync(new AlotechSimulatorOptions());
        var token = simulator.State.Options.AppToken!;
        var channel = new CapturingChannel();
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // Any ingestion endpoint: the capturing channel below replaces the one that would send.
            ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint=http://127.0.0.1:9/",
            ["CdrStorage"] = "UseDevelopmentStorage=true", // never touched: no storage call is made
            ["Vendors:Alotech:Enabled"] = "true",
            ["Vendors:Alotech:BaseUrl"] = simulator.BaseUrl.AbsoluteUri,
            ["Vendors:Alotech:AppToken"] = token,
            ["Vendors:DeepCall:Webhook:Secret"] = WebhookSecret,
        });
        // The app's own composition (as Program.cs), with a channel that keeps what it would send.
        builder.ConfigureCdrFunctionsApp();
        builder.Services.AddSingleton<ITelemetryChannel>(channel);
        using var host = builder.Build();
        var telemetry = host.Services.GetRequiredService<TelemetryClient>();

        // A live lookup's request to Alotech: the token travels in the query string.
        var alotech = host.Services.GetRequiredService<AlotechClient>();
        await alotech.GetCallAsync("029922898003661", CancellationToken.None);

        // What the other kinds carry when a URL or a secret is quoted.
        telemetry.TrackRequest(new RequestTelemetry(
            $"POST /api/webhooks/deepcall/{WebhookSecret}", DateTimeOffset.UtcNow, TimeSpan.FromMilliseconds(5), "200", true)
        {
            Url = new Uri($"https://func-cdr.azurewebsites.net/api/webhooks/deepcall/{WebhookSecret}?code=fn-key-0123456789"),
        });
        telemetry.TrackTrace($"GET https://t.alo-tech.com/api/?function=reportsCDRLogs&app_token={token}");
        telemetry.TrackException(new HttpRequestException($"refused https://t.alo-tech.com/api/?app_token={token}"),
            new Dictionary<string, string> { ["url"] = $"https://t.alo-tech.com/api/?app_token={token}" });
        telemetry.Flush();

        // The dependency collector listens process-wide, so other tests' calls to their own simulators show up too:
        // this test's call is the one to its simulator's port.
        var dependency = Assert.Single(channel.Items.OfType<DependencyTelemetry>(),
            d => d.Data?.Contains("reportsCDRLogs", StringComparison.Ordinal) == true && d.Data.Contains(simulator.BaseUrl.Authority, StringComparison.Ordinal));
        Assert.Equal("Http", dependency.Type);
        Assert.Contains("callkey=029922898003661", dependency.Data, StringComparison.Ordinal);
        Assert.EndsWith("app_token=REDACTED", dependency.Data, StringComparison.Ordinal);
        var request = Assert.Single(channel.Items.OfType<RequestTelemetry>());
        Assert.Equal("https://func-cdr.azurewebsites.net/api/webhooks/deepcall/REDACTED?code=REDACTED", request.Url.OriginalString);
        Assert.Single(channel.Items.OfType<TraceTelemetry>(), t => t.Message.EndsWith("app_token=REDACTED", StringComparison.Ordinal));
        Assert.Single(channel.Items.OfType<ExceptionTelemetry>());

        // The payload exactly as the SDK would send it.
        var wire = Encoding.UTF8.GetString(AiJson.Serialize(channel.Items.ToList(), compress: false));
        Assert.Contains("reportsCDRLogs", wire, StringComparison.Ordinal);
        Assert.DoesNotContain(token, wire, StringComparison.Ordinal);
        Assert.DoesNotContain(WebhookSecret, wire, StringComparison.Ordinal);
        Assert.DoesNotContain("fn-key-0123456789", wire, StringComparison.Ordinal);
    }

    private sealed class CapturingChannel : ITelemetryChannel
    {
        public ConcurrentQueue<ITelemetry> Items { get; } = new();

        public bool? DeveloperMode { get; set; }

        public string? EndpointAddress { get; set; }

        public void Send(ITelemetry item) => Items.Enqueue(item);

        public void Flush()
        {
        }

        public void Dispose()
        {
        }
    }
}
