using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CdrFunctions.Simulators.EngageVoice;
using Microsoft.Extensions.Time.Testing;

namespace CdrFunctions.Tests.Simulators;

public class EngageVoiceInteractionSimulatorTests
{
    private static readonly DateTimeOffset From = new(2026, 11, 21, 21, 0, 0, TimeSpan.Zero);

    private static string Body(string start = "2026-11-21 16:00:00", int interval = 3600, string zone = "US/Eastern") =>
        JsonSerializer.Serialize(new { segmentEndTime = start, timeInterval = interval, timeZone = zone });

    private static async Task<(EngageVoiceSimulator Sim, HttpClient Http, string Token, FakeTimeProvider Time)> StartAsync()
    {
        var time = new FakeTimeProvider(From.AddHours(6));
        var sim = await EngageVoiceSimulator.StartAsync(new EngageVoiceSimulatorOptions { Time = time, AccessTokenLifetime = TimeSpan.FromHours(2) });
        var http = new HttpClient();
        using var rc = new HttpRequestMessage(HttpMethod.Post, new Uri(sim.BaseUrl, "restapi/oauth/token"))
        {
            Content = new FormUrlEncodedContent([new("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), new("assertion", "sim.rc.jwt")]),
        };
        rc.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("sim-rc-client:sim-rc-secret")));
        var rcToken = JsonDocument.Parse(await (await http.SendAsync(rc)).Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString()!;
        var exchange = await http.PostAsync(new Uri(sim.BaseUrl, "api/auth/login/rc/accesstoken"),
            new FormUrlEncodedContent([new("rcAccessToken", rcToken), new("rcTokenType", "Bearer")]));
        var token = JsonDocument.Parse(await exchange.Content.ReadAsStringAsync()).RootElement.GetProperty("accessToken").GetString()!;
        return (sim, http, token, time);
    }

    internal static Task<HttpResponseMessage> PostAsync(HttpClient http, EngageVoiceSimulator sim, string? bearer, string sub = "99999999", string? body = null, string account = "400012345")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(sim.BaseUrl, $"voice/api/cx/integration/v1/accounts/{account}/sub-accounts/{sub}/interaction-metadata"))
        {
            Content = new StringContent(body ?? Body(), Encoding.UTF8, "application/json"),
        };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        return http.SendAsync(request);
    }

    [Fact]
    public async Task Segments_of_both_sub_accounts_are_the_calls_of_the_csv_report_as_ivr_and_agent_legs()
    {
        var (sim, http, token, _) = await StartAsync();
        await using var _ = sim;
        using var __ = http;
        var segments = new List<JsonElement>();
        foreach (var sub in new[] { "99999999", "88888888" })
        {
            // Three one-hour windows a sub-account: within the 3-a-minute limit.
            for (var h = 0; h < 3; h++)
            {
                using var r = await PostAsync(http, sim, token, sub, Body($"2026-11-21 {16 + h}:00:00"));
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                Assert.Equal("application/json", r.Content.Headers.ContentType!.MediaType);
                var array = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
                Assert.Equal(JsonValueKind.Array, array.ValueKind);
                Assert.All(array.EnumerateArray(), s => Assert.Equal(sub, s.GetProperty("subAccountId").GetString()));
                segments.AddRange(array.EnumerateArray().Select(e => e.Clone()));
            }
        }
        // Segments are served by end time: the calls of the first two hours have every leg in the three windows.
        var truth = sim.ValidCallsBetween(From, From.AddHours(2));
        var byCall = segments.GroupBy(s => s.GetProperty("interactionId").GetString()).ToDictionary(g => g.Key!, g => g.ToList());
        foreach (var call in truth)
        {
            var legs = byCall[call.Uii];
            Assert.Equal("IVR", legs.OrderBy(l => l.GetProperty("segmentStartTimeMs").GetString()).First().GetProperty("segmentType").GetString());
            Assert.Equal(call.CallResult == "CONNECTED" ? call.ConnectedSeconds * 1000L : 0,
                legs.Where(l => l.GetProperty("segmentType").GetString() == "AGENT").Sum(l => l.GetProperty("segmentDurationMs").GetInt64()));
            Assert.All(legs, l => Assert.Equal(call.InboundSeconds * 1000L, l.GetProperty("dialogDurationMs").GetInt64()));
        }
        Assert.Contains(truth, c => byCall[c.Uii].Count(l => l.GetProperty("segmentType").GetString() == "AGENT") == 2);
        Assert.Contains(truth, c => sim.State.SubAccountOf(c) == "88888888");
        Assert.Contains(truth, c => sim.State.SubAccountOf(c) == "99999999");
        // Some calls cross an hour boundary: their legs are in two windows.
        Assert.Contains(truth, c => sim.State.SegmentsOf(c).Select(s => s.EndUtc.Hour).Distinct().Count() > 1);
    }

    [Fact]
    public async Task Three_a_minute_and_nine_a_quarter_hour_per_sub_account_then_429_with_retry_after()
    {
        var (sim, http, token, time) = await StartAsync();
        await using var _ = sim;
        using var __ = http;
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, sim, token)).StatusCode);
        }
        using var fourth = await PostAsync(http, sim, token);
        Assert.Equal(HttpStatusCode.TooManyRequests, fourth.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(60), fourth.Headers.RetryAfter!.Delta);
        // Another sub-account has its own budget.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, sim, token, "88888888")).StatusCode);

        for (var minute = 1; minute <= 2; minute++)
        {
            time.Advance(TimeSpan.FromSeconds(61));
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, sim, token)).StatusCode);
            }
        }
        time.Advance(TimeSpan.FromSeconds(61));
        using var tenth = await PostAsync(http, sim, token);
        Assert.Equal(HttpStatusCode.TooManyRequests, tenth.StatusCode);
        Assert.True(tenth.Headers.RetryAfter!.Delta > TimeSpan.FromMinutes(10));
        time.Advance(tenth.Headers.RetryAfter!.Delta!.Value);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, sim, token)).StatusCode);
    }

    [Theory]
    [InlineData("""{"segmentEndTime":"2026-11-21 16:00:00","timeInterval":10801,"timeZone":"US/Eastern"}""", "10800")]
    [InlineData("""{"segmentEndTime":"2026-11-21 16:00:00","timeInterval":0,"timeZone":"US/Eastern"}""", "10800")]
    [InlineData("""{"timeInterval":3600,"timeZone":"US/Eastern"}""", "segmentEndTime")]
    [InlineData("""{"segmentEndTime":"2026-11-21T16:00:00Z","timeInterval":3600,"timeZone":"US/Eastern"}""", "segmentEndTime")]
    [InlineData("""{"segmentEndTime":"2026-11-21 16:00:00","timeInterval":3600}""", "timeZone")]
    [InlineData("""{"segmentEndTime":"2026-11-22 02:30:00","timeInterval":3600,"timeZone":"UTC"}""", "5 minutes")]
    [InlineData("not json", "not JSON")]
    public async Task The_body_is_checked(string body, string complaint)
    {
        var (sim, http, token, _) = await StartAsync();
        await using var _s = sim;
        using var _h = http;
        using var r = await PostAsync(http, sim, token, body: body);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        var error = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains(complaint, error.GetProperty("developerMessage").GetString(), StringComparison.Ordinal);
        Assert.Equal("Bad Request", error.GetProperty("generalMessage").GetString());
    }

    [Fact]
    public async Task Only_a_valid_bearer_token_for_a_known_sub_account_is_served()
    {
        var (sim, http, token, _) = await StartAsync();
        await using var _s = sim;
        using var _h = http;
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(http, sim, null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(http, sim, "forged")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(http, sim, token, sub: "12")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(http, sim, token, account: "1")).StatusCode);
        sim.State.ExpireAllTokens();
        using var expired = await PostAsync(http, sim, token);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Equal("JWT is expired", await expired.Content.ReadAsStringAsync());
    }
}
