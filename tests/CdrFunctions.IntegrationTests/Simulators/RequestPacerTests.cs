using System.Net;
using System.Text.Json;
using CdrFunctions.Simulators.Alotech;
using CdrFunctions.Simulators.EngageVoice;

namespace CdrFunctions.Tests.Simulators;

/// <summary>Each simulator can be told a request rate limit and a latency.</summary>
public class RequestPacerTests
{
    [Fact]
    public async Task Beyond_its_rate_limit_a_simulator_answers_429_with_Retry_After()
    {
        await using var simulator = await AlotechSimulator.StartAsync(new AlotechSimulatorOptions { RateLimit = 3, RateLimitPeriod = TimeSpan.FromMinutes(1) });
        using var http = new HttpClient { BaseAddress = simulator.BaseUrl };
        var url = $"api/?function=reportsCDRLogs&startdate=2026-11-22%2000:00:00&finishdate=2026-11-22%2001:00:00&app_token={simulator.State.Options.AppToken}";

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 5; i++)
        {
            answers.Add(await http.GetAsync(url));
        }

        Assert.Equal([200, 200, 200, 429, 429], answers.Select(a => (int)a.StatusCode));
        Assert.InRange(answers[3].Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        Assert.Equal(3, simulator.State.Pacing.AdmittedRequests);
        Assert.Equal(2, simulator.State.Pacing.ThrottledRequests);
        answers.ForEach(a => a.Dispose());
    }

    [Fact]
    public async Task A_latency_delays_every_answer_and_the_limit_can_be_changed_while_running()
    {
        await using var simulator = await CdrFunctions.Simulators.DeepCall.DeepCallSimulator.StartAsync(new() { Latency = TimeSpan.FromMilliseconds(200) });
        using var http = new HttpClient { BaseAddress = simulator.BaseUrl };
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using (var answer = await http.PostAsync("api/v2/callreport/reportCount", new StringContent("{}")))
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }
        // A lower bound only: the answer cannot come sooner than the latency it was told.
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(190), $"answered after {watch.Elapsed}");

        simulator.State.Pacing.Latency = TimeSpan.Zero;
        simulator.State.Pacing.RateLimit = 1;
        simulator.State.Pacing.RateLimitPeriod = TimeSpan.FromMinutes(1);
        using var first = await http.PostAsync("api/v2/callreport/reportCount", new StringContent("{}"));
        using var second = await http.PostAsync("api/v2/callreport/reportCount", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
    }

    [Fact]
    public async Task Engage_voice_answers_429_beyond_its_limit_on_both_streams_from_one_budget_and_tokens_do_not_count()
    {
        await using var simulator = await EngageVoiceSimulator.StartAsync(new EngageVoiceSimulatorOptions { RateLimit = 3, RateLimitPeriod = TimeSpan.FromMinutes(1) });
        using var http = new HttpClient();
        var bearer = (await EngageVoiceSimulatorTests.ExchangeAsync(http, simulator)).GetProperty("accessToken").GetString();
        var inputControls = new Uri(simulator.BaseUrl, "voice/api/v1/admin/accounts/12345678/users/42/reports/inputControls");

        var answers = new List<HttpResponseMessage>
        {
            await http.SendAsync(EngageVoiceSimulatorTests.Report(simulator)),
            await EngageVoiceInteractionSimulatorTests.PostAsync(http, simulator, bearer),
            await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, inputControls) { Headers = { { "X-Auth-Token", "sim-engage-api-token" } } }),
            await EngageVoiceInteractionSimulatorTests.PostAsync(http, simulator, bearer),
            await http.SendAsync(EngageVoiceSimulatorTests.Report(simulator)),
        };

        Assert.Equal([200, 200, 200, 429, 429], answers.Select(a => (int)a.StatusCode));
        Assert.All(answers.Skip(3), a => Assert.InRange(a.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60)));
        Assert.Equal(3, simulator.State.Pacing.AdmittedRequests);
        Assert.Equal(2, simulator.State.Pacing.ThrottledRequests);
        // Turned away before the endpoint: the sub-account's own limit (3 a minute) spent one request, not two.
        Assert.Single(simulator.InteractionRequests);
        // The token routes keep only their own documented limit, so a spent budget still lets a client renew.
        Assert.Equal(JsonValueKind.String, (await EngageVoiceSimulatorTests.ExchangeAsync(http, simulator)).GetProperty("accessToken").ValueKind);
        answers.ForEach(a => a.Dispose());
    }

    [Fact]
    public async Task Engage_voice_latency_delays_the_report_and_interaction_metadata()
    {
        await using var simulator = await EngageVoiceSimulator.StartAsync(new EngageVoiceSimulatorOptions { Latency = TimeSpan.FromMilliseconds(200) });
        using var http = new HttpClient();
        var bearer = (await EngageVoiceSimulatorTests.ExchangeAsync(http, simulator)).GetProperty("accessToken").GetString();

        // Each twice: a route's first answer can be slow on its own (compiling, generating the day).
        foreach (var send in new Func<Task<HttpResponseMessage>>[]
        {
            () => http.SendAsync(EngageVoiceSimulatorTests.Report(simulator)),
            () => http.SendAsync(EngageVoiceSimulatorTests.Report(simulator)),
            () => EngageVoiceInteractionSimulatorTests.PostAsync(http, simulator, bearer),
            () => EngageVoiceInteractionSimulatorTests.PostAsync(http, simulator, bearer),
        })
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            using var answer = await send();
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            // A lower bound only, as above.
            Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(190), $"answered after {watch.Elapsed}");
        }
    }
}
