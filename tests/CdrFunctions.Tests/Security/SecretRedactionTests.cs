using System.Net;
using CdrFunctions.Pipeline.Security;
using CdrFunctions.Simulators.Alotech;
using CdrFunctions.Simulators.Azurite;
using CdrFunctions.Tests.Cli;
using CdrFunctions.Tests.Integration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace CdrFunctions.Tests.Security;

/// <summary>
/// Secrets never reach the local host's logs: secret query parameters (<c>app_token</c>, <c>code</c>, and any configured
/// one) and every configured secret value are redacted from messages and exception texts.
/// </summary>
public class SecretRedactionTests
{
    private const string AppToken = "alotech-app-token-9c4e1b";
    private const string WebhookSecret = "hook-secret-7d1e0c55b9a24f63";

    private static SecretRedactor Redactor(params (string Key, string Value)[] extra) => SecretRedactor.FromConfiguration(
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Vendors:Alotech:AppToken"] = AppToken,
            ["Vendors:DeepCall:Webhook:Secret"] = WebhookSecret,
            ["Vendors:Alotech:TimeZone"] = "Europe/Istanbul",
        }.Concat(extra.Select(e => new KeyValuePair<string, string?>(e.Key, e.Value)))).Build());

    [Theory]
    [InlineData("https://t.alo-tech.com/api/?function=reportsCDRLogs&callkey=029922898003661&app_token=SECRET-1",
        "https://t.alo-tech.com/api/?function=reportsCDRLogs&callkey=029922898003661&app_token=REDACTED")]
    [InlineData("GET http://127.0.0.1:7071/api/calls/alotech/1?code=k3y-value&live=true",
        "GET http://127.0.0.1:7071/api/calls/alotech/1?code=REDACTED&live=true")]
    [InlineData("/api/?APP_TOKEN=x%2By&startdate=2026-11-22", "/api/?APP_TOKEN=REDACTED&startdate=2026-11-22")]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=st;AccountKey=abc/def==;EndpointSuffix=core.windows.net",
        "DefaultEndpointsProtocol=https;AccountName=st;AccountKey=REDACTED;EndpointSuffix=core.windows.net")]
    [InlineData("no secret here: callkey=123&mykey=1", "no secret here: callkey=123&mykey=1")]
    public void Secret_query_parameters_are_redacted_wherever_a_url_appears(string text, string expected) =>
        Assert.Equal(expected, Redactor().Redact(text));

    [Fact]
    public void Configured_secret_values_and_configured_parameter_names_are_redacted_too()
    {
        var redactor = Redactor(("Telemetry:SecretQueryParameters:0", "tenant_secret"));
        Assert.Equal("POST /api/webhooks/deepcall/REDACTED", redactor.Redact($"POST /api/webhooks/deepcall/{WebhookSecret}"));
        Assert.Equal("token REDACTED in a body", redactor.Redact($"token {AppToken} in a body"));
        Assert.Equal("/x?tenant_secret=REDACTED&a=1", redactor.Redact("/x?tenant_secret=s3cr3t&a=1"));
        // Non-secret settings are not treated as secrets.
        Assert.Equal("Europe/Istanbul", redactor.Redact("Europe/Istanbul"));
        Assert.Equal(new Uri("https://h/api/?app_token=REDACTED"), redactor.Redact(new Uri($"https://h/api/?app_token={AppToken}")));
    }

    [Fact]
    public void The_logging_wrapper_redacts_messages_and_exceptions()
    {
        var fake = new FakeLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(fake).RedactSecrets(new ConfigurationBuilder().AddInMemoryCollection(
            new Dictionary<string, string?> { ["Vendors:Alotech:AppToken"] = AppToken }).Build()));
        using var provider = services.BuildServiceProvider();
        var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("System.Net.Http.HttpClient.alotech.LogicalHandler");

        logger.LogInformation("Start processing HTTP request GET {Uri}", $"https://t.alo-tech.com/api/?function=reportsCDRLogs&app_token={AppToken}");
        logger.LogError(new HttpRequestException($"refused for token {AppToken}"), "Request to {Path} failed", "/api/?code=abc123");

        var records = fake.Collector.GetSnapshot();
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.DoesNotContain(AppToken, r.Message, StringComparison.Ordinal));
        Assert.Equal("Start processing HTTP request GET https://t.alo-tech.com/api/?function=reportsCDRLogs&app_token=REDACTED", records[0].Message);
        Assert.Equal("Request to /api/?code=REDACTED failed", records[1].Message);
        Assert.DoesNotContain(AppToken, records[1].Exception!.ToString(), StringComparison.Ordinal);
        Assert.Contains("HttpRequestException", records[1].Exception!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cdr_run_request_logs_carry_neither_the_key_nor_the_old_webhook_secret()
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        await using var simulator = await AlotechSimulator.StartAsync(new AlotechSimulatorOptions());
        var port = LiveCdrProcess.FreePort();
        const string Key = "run-key-3f9a7c2e51";
        var env = AlotechHarness.Settings(azurite, simulator, new Dictionary<string, string?>
        {
            ["Run:Url"] = $"http://127.0.0.1:{port}",
            ["Run:ApiKey"] = Key,
            ["Vendors:DeepCall:Webhook:Secret"] = WebhookSecret,
            // An operator turning request logs on: they write every URL, query string included.
            ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
        }).ToDictionary(kv => kv.Key.Replace(":", "__", StringComparison.Ordinal), kv => kv.Value ?? "");
        using var run = LiveCdrProcess.Start(env, "run");
        await run.WaitForOutputAsync("Ctrl+C stops", TimeSpan.FromSeconds(60));

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/api/") };
        using (var status = await http.GetAsync($"status?code={Key}"))
        {
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        }
        using (var hook = await http.GetAsync($"webhooks/deepcall/{WebhookSecret}?code={Key}"))
        {
            Assert.Equal(HttpStatusCode.OK, hook.StatusCode);
        }
        using (var live = await http.GetAsync($"calls/alotech/{simulator.ValidCallsBetween(DateTimeOffset.UtcNow.AddHours(-2), DateTimeOffset.UtcNow)[0].Key}?live=true&code={Key}"))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }
        await run.InterruptAsync(TimeSpan.FromSeconds(30));

        var logs = run.Stderr;
        Assert.Contains("Request starting", logs, StringComparison.Ordinal);
        Assert.Contains("code=REDACTED", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(WebhookSecret, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(simulator.State.Options.AppToken!, logs, StringComparison.Ordinal);
    }
}
