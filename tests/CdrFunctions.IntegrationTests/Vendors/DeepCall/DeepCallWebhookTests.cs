using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using CdrFunctions.Pipeline.Api;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Simulators.DeepCall;
using CdrFunctions.Vendors.DeepCall;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using CdrFunctions.Tests.Integration;

namespace CdrFunctions.Tests.Vendors.DeepCall;

/// <summary>DeepCall push reports through the webhook on a real Kestrel → raw blob → normalize → lookup.</summary>
[Collection(AzuriteCollection.Name)]
public class DeepCallWebhookTests
{
    private static readonly DateTimeOffset From = new(2026, 11, 21, 21, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Pushed_reports_json_or_form_land_and_normalize_like_pulled_ones()
    {
        await using var h = await DeepCallHarness.StartAsync();
        var (hook, webLogs) = await h.StartWebhookAsync();
        var url = DeepCallHarness.WebhookUrl(hook);
        using var http = new HttpClient();

        var activation = await DeepCallSimulator.ActivateWebhookAsync(http, url);
        Assert.Equal((200, "GODBLESSYOU"), activation);
        using (var empty = await http.PostAsync(url, new ByteArrayContent([])))
        {
            Assert.Equal("GODBLESSYOU", await empty.Content.ReadAsStringAsync());
        }

        var calls = h.Simulator.ValidCallsBetween(From, From.AddHours(2));
        var inbound = calls.First(c => c.CallType == "IBD" && c.Answered);
        var outbound = calls.First(c => c.CallType == "OBD");
        Assert.Equal((200, "GODBLESSYOU"), await h.Simulator.PushAsync(http, url, inbound));
        Assert.Equal((200, "GODBLESSYOU"), await h.Simulator.PushAsync(http, url, outbound, formEncoded: true));
        // DeepCall may push a report again: same bytes, same blob, nothing rewritten.
        Assert.Equal((200, "GODBLESSYOU"), await h.Simulator.PushAsync(http, url, inbound));

        var blobs = await h.RawBlobsAsync("deepcall/");
        Assert.Equal(new[] { $"deepcall/2026/11/22/push-{inbound.ClId}.json", $"deepcall/2026/11/22/push-{outbound.ClId}.json" }.Order(), blobs.Order());
        var raw = (await h.Storage.Raw.GetBlobClient($"deepcall/2026/11/22/push-{outbound.ClId}.json").DownloadContentAsync()).Value.Content.ToString();
        Assert.Equal(outbound.PushReportJson(h.Simulator.State.Options.UserId), raw); // the report itself, unwrapped from the form

        foreach (var blob in blobs)
        {
            var result = await h.Normalizer.NormalizeAsync(blob, None);
            Assert.Equal(1, result.Records);
        }
        var call = (await h.Lookup.GetAsync("deepcall", inbound.ClId, None))!;
        Assert.Equal(inbound.StartUtc, call.StartUtc);
        Assert.Equal(inbound.AnswerUtc, call.AnswerUtc);
        Assert.Equal(inbound.EndUtc, call.EndUtc);
        Assert.Equal(inbound.TalkSeconds, call.TalkSeconds);
        Assert.Equal(CallDirection.Inbound, call.Direction);
        Assert.Equal(inbound.CustomerE164, call.FromNumber);
        Assert.Equal("+918045678900", call.ToNumber);
        Assert.Equal(CallOutcome.Answered, call.Outcome);
        var other = (await h.Lookup.GetAsync("deepcall", outbound.ClId, None))!;
        Assert.Equal(CallDirection.Outbound, other.Direction);
        Assert.Equal(outbound.CustomerE164, other.ToNumber);

        Assert.DoesNotContain(webLogs.GetSnapshot(), l => l.Message.Contains(DeepCallHarness.HostKey, StringComparison.Ordinal));
        Assert.Contains(webLogs.GetSnapshot(), l => l.Message.Contains("report landed", StringComparison.Ordinal));
        Assert.DoesNotContain(webLogs.GetSnapshot(), l => l.Message.Contains("deprecated", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Wrong_keys_oversize_bodies_and_reports_without_a_call_id_are_refused()
    {
        await using var h = await DeepCallHarness.StartAsync(settings: new Dictionary<string, string?> { ["Vendors:DeepCall:Webhook:MaxBodyBytes"] = "2048" });
        var (hook, webLogs) = await h.StartWebhookAsync();
        var url = DeepCallHarness.WebhookUrl(hook);
        using var http = new HttpClient();
        var call = h.Simulator.ValidCallsBetween(From, From.AddHours(1))[0];

        Assert.Equal(401, (await DeepCallSimulator.ActivateWebhookAsync(http, hook)).Status);
        Assert.Equal(401, (await h.Simulator.PushAsync(http, new Uri(hook + "?code=" + DeepCallHarness.HostKey + "x"), call)).Status);
        // The deprecated form: a wrong secret is an unknown path, and the key is still required.
        Assert.Equal(404, (await DeepCallSimulator.ActivateWebhookAsync(http, DeepCallHarness.LegacyWebhookUrl(hook, "not-the-secret"))).Status);
        Assert.Equal(404, (await h.Simulator.PushAsync(http, DeepCallHarness.LegacyWebhookUrl(hook, DeepCallHarness.WebhookSecret + "x"), call)).Status);
        Assert.Equal(401, (await DeepCallSimulator.ActivateWebhookAsync(http, new Uri(hook + "/" + DeepCallHarness.WebhookSecret))).Status);

        await AssertProblemAsync(http, url, new StringContent("{\"callId\":\"" + new string('a', 3000) + "\"}", Encoding.UTF8, "application/json"), "too large");
        await AssertProblemAsync(http, url, new StringContent("""{"cType":"IBD","ivrSTime":"2026-11-22 10:00:00"}""", Encoding.UTF8, "application/json"), "callId");
        await AssertProblemAsync(http, url, new StringContent("""{"callId":""}""", Encoding.UTF8, "application/json"), "callId");
        await AssertProblemAsync(http, url, new StringContent("{oops", Encoding.UTF8, "application/json"), "not valid JSON");
        await AssertProblemAsync(http, url, new FormUrlEncodedContent([new KeyValuePair<string, string>("other", "1")]), "push_report");

        Assert.Empty(await h.RawBlobsAsync("deepcall/"));
        Assert.DoesNotContain(webLogs.GetSnapshot(), l => l.Message.Contains(DeepCallHarness.WebhookSecret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_configured_secret_only_the_old_url_form_answers_nothing()
    {
        await using var h = await DeepCallHarness.StartAsync(settings: new Dictionary<string, string?> { ["Vendors:DeepCall:Webhook:Secret"] = null });
        var (hook, _) = await h.StartWebhookAsync();
        using var http = new HttpClient();
        Assert.Equal(404, (await DeepCallSimulator.ActivateWebhookAsync(http, DeepCallHarness.LegacyWebhookUrl(hook, "anything-long-enough"))).Status);
        Assert.Equal((200, DeepCallWebhook.Handshake), await DeepCallSimulator.ActivateWebhookAsync(http, DeepCallHarness.WebhookUrl(hook)));
    }

    [Fact]
    public async Task The_key_may_come_in_a_header_so_the_url_carries_no_credential_at_all()
    {
        await using var h = await DeepCallHarness.StartAsync();
        var (hook, _) = await h.StartWebhookAsync();
        using var http = new HttpClient();
        var call = h.Simulator.ValidCallsBetween(From, From.AddHours(1))[0];
        using var request = new HttpRequestMessage(HttpMethod.Post, hook)
        {
            Content = new StringContent(call.PushReportJson(h.Simulator.State.Options.UserId), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(CdrApiRoutes.KeyHeader, DeepCallHarness.HostKey);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(DeepCallWebhook.Handshake, await response.Content.ReadAsStringAsync());
        Assert.Single(await h.RawBlobsAsync("deepcall/"));
    }

    [Fact]
    public async Task The_old_url_with_the_secret_in_the_path_still_works_for_one_release_with_a_deprecation_warning()
    {
        await using var h = await DeepCallHarness.StartAsync();
        var (hook, webLogs) = await h.StartWebhookAsync();
        using var http = new HttpClient();
        var call = h.Simulator.ValidCallsBetween(From, From.AddHours(1))[0];
        using var response = await http.PostAsync(DeepCallHarness.LegacyWebhookUrl(hook),
            new StringContent(call.PushReportJson(h.Simulator.State.Options.UserId), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("true", Assert.Single(response.Headers.GetValues(DeepCallWebhook.DeprecationHeader)));
        Assert.Single(await h.RawBlobsAsync("deepcall/"));
        Assert.Contains(webLogs.GetSnapshot(), l => l.Level == LogLevel.Warning && l.Message.Contains("deprecated", StringComparison.Ordinal));
        Assert.DoesNotContain(webLogs.GetSnapshot(), l => l.Message.Contains(DeepCallHarness.WebhookSecret, StringComparison.Ordinal));
    }

    [Fact]
    public void The_functions_app_route_carries_no_secret_and_needs_a_function_key()
    {
        var trigger = typeof(WebhookFunctions).GetMethod(nameof(WebhookFunctions.Receive))!.GetParameters()
            .Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).Single(a => a is not null)!;
        Assert.Equal(AuthorizationLevel.Function, trigger.AuthLevel);
        Assert.Equal("webhooks/{vendor}/{*path}", trigger.Route);
    }

    [Fact]
    public async Task The_generic_webhook_route_wants_the_host_key_and_a_vendor_with_a_webhook()
    {
        await using var h = await DeepCallHarness.StartAsync();
        var (hook, _) = await h.StartWebhookAsync();
        using var http = new HttpClient();
        // No key: the host refuses before the vendor sees the request.
        Assert.Equal(401, (await DeepCallSimulator.ActivateWebhookAsync(http, hook)).Status);
        // A registered vendor without a webhook, and an unknown one: nothing there.
        var api = hook.ToString()[..hook.ToString().LastIndexOf('/')];
        Assert.Equal(404, (await DeepCallSimulator.ActivateWebhookAsync(http, DeepCallHarness.WebhookUrl(new Uri(api + "/alotech")))).Status);
        Assert.Equal(404, (await DeepCallSimulator.ActivateWebhookAsync(http, DeepCallHarness.WebhookUrl(new Uri(api + "/nosuchvendor")))).Status);
        Assert.Equal(200, (await DeepCallSimulator.ActivateWebhookAsync(http, DeepCallHarness.WebhookUrl(hook))).Status);
    }

    private static async Task AssertProblemAsync(HttpClient http, Uri url, HttpContent content, string detail)
    {
        using (content)
        using (var response = await http.PostAsync(url, content))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
            Assert.Contains(detail, problem.RootElement.GetProperty("title").GetString() + " " + problem.RootElement.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        }
    }
}
