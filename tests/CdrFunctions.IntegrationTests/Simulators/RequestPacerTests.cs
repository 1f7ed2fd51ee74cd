using System.Net;
using CdrFunctions.Simulators.Alotech;

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
}
