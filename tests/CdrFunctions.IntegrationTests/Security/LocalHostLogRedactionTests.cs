using System.Net;
using CdrFunctions.Simulators.Alotech;
using CdrFunctions.Tests.Cli;
using CdrFunctions.Tests.Integration;

namespace CdrFunctions.Tests.Security;

/// <summary>The local host's logs carry no secret even with request logging turned on (SecretRedactorTests has the rules).</summary>
[Collection(AzuriteCollection.Name)]
public class LocalHostLogRedactionTests
{
    private const string WebhookSecret = "hook-secret-7d1e0c55b9a24f63";

    [Fact]
    public async Task Cdr_run_request_logs_carry_neither_the_key_nor_the_old_webhook_secret()
    {
        var storage = await AzuriteFixture.NewStorageAsync();
        await using var simulator = await AlotechSimulator.StartAsync(new AlotechSimulatorOptions());
        var port = LiveCdrProcess.FreePort();
        const string Key = "run-key-3f9a7c2e51";
        var env = AlotechHarness.Settings(storage, simulator, new Dictionary<string, string?>
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
