using CdrFunctions.Pipeline.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace CdrFunctions.Tests.Pipeline.Security;

/// <summary>
/// Secrets never reach the local host's logs: secret query parameters (<c>app_token</c>, <c>code</c>, and any configured
/// one) and every configured secret value are redacted from messages and exception texts.
/// </summary>
public class SecretRedactorTests
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
}
