using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CdrFunctions.Simulators.EngageVoice;

namespace CdrFunctions.Tests.Simulators;

public class EngageVoiceSimulatorTests
{
    private const string Body = """
        {"reportType":"CASPER_REPORT","reportTypeName":"Cloud_Call_Detail_Download","reportCriteria":{"accountIds":["12345678"],
        "groupBy":"PROFILE","cloudProfileGroupIds":[null],"cloudProfileIds":[1111],"startTimestamp":"2026-11-21 16:00:00",
        "endTimestamp":"2026-11-21 16:59:59","timezoneName":"US/Eastern","criteriaType":"CASPER_CRITERIA",
        "reportName":"Cloud_Call_Detail_Download","returnType":"CSV","schedule":{"repeatOption":"ONCE"}}}
        """;

    private static readonly DateTimeOffset From = new(2026, 11, 21, 21, 0, 0, TimeSpan.Zero);

    internal static HttpRequestMessage Report(EngageVoiceSimulator sim, string? apiToken = "sim-engage-api-token", string? bearer = null, string body = Body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(sim.BaseUrl, "voice/api/v1/admin/accounts/12345678/reportsStreaming"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (apiToken is not null)
        {
            request.Headers.Add("X-Auth-Token", apiToken);
        }
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        return request;
    }

    internal static async Task<JsonElement> ExchangeAsync(HttpClient http, EngageVoiceSimulator sim)
    {
        using var response = await ExchangeResponseAsync(http, sim);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static async Task<HttpResponseMessage> ExchangeResponseAsync(HttpClient http, EngageVoiceSimulator sim)
    {
        using var rc = new HttpRequestMessage(HttpMethod.Post, new Uri(sim.BaseUrl, "restapi/oauth/token"))
        {
            Content = new FormUrlEncodedContent([new("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), new("assertion", "sim.rc.jwt")]),
        };
        rc.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("sim-rc-client:sim-rc-secret")));
        var rcToken = JsonDocument.Parse(await (await http.SendAsync(rc)).Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString()!;
        return await http.PostAsync(new Uri(sim.BaseUrl, "api/auth/login/rc/accesstoken?includeRefresh=true"),
            new FormUrlEncodedContent([new("rcAccessToken", rcToken), new("rcTokenType", "Bearer")]));
    }

    [Fact]
    public async Task Reports_are_csv_in_the_requested_zone_with_the_docs_header_and_the_seed_shape()
    {
        await using var sim = await EngageVoiceSimulator.StartAsync(new EngageVoiceSimulatorOptions());
        using var http = new HttpClient();
        using var response = await http.SendAsync(Report(sim));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("cloud_profile_id,profile_name,uii,ani,dnis,", lines[0]);
        var truth = sim.ValidCallsBetween(From, From.AddHours(1));
        Assert.Equal(truth.Count, lines.Length - 1);
        Assert.All(lines.Skip(1), l => Assert.Equal(34, l.Split(',').Length));
        // The hh:00 call, in US/Eastern (UTC-5 in November).
        Assert.Contains(",11/21/26 4:00 PM,", lines[1]);
        Assert.Contains(",'" + truth[0].Uii + ",", lines[1]);
    }

    [Fact]
    public async Task The_exchange_allows_five_a_minute_and_refresh_tokens_are_single_use()
    {
        await using var sim = await EngageVoiceSimulator.StartAsync(new EngageVoiceSimulatorOptions());
        using var http = new HttpClient();
        var tokens = await ExchangeAsync(http, sim);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(JsonValueKind.String, (await ExchangeAsync(http, sim)).GetProperty("accessToken").ValueKind);
        }
        Assert.Equal(5, sim.ExchangeRequests);
        var last = sim.Requests.Last(r => r.Endpoint == EngageVoiceEndpoint.Exchange);
        Assert.Equal(200, last.StatusCode);
        using (var limited = await ExchangeResponseAsync(http, sim))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        }
        Assert.Equal(429, sim.Requests.Last(r => r.Endpoint == EngageVoiceEndpoint.Exchange).StatusCode);

        using (var ok = await http.SendAsync(Report(sim, apiToken: null, bearer: tokens.GetProperty("accessToken").GetString())))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        var refresh = new FormUrlEncodedContent([new("refresh_token", tokens.GetProperty("refreshToken").GetString()!)]);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync(new Uri(sim.BaseUrl, "api/auth/token/refresh"), refresh)).StatusCode);
        refresh = new FormUrlEncodedContent([new("refresh_token", tokens.GetProperty("refreshToken").GetString()!)]);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsync(new Uri(sim.BaseUrl, "api/auth/token/refresh"), refresh)).StatusCode);
    }

    [Fact]
    public async Task Faults_are_served_in_order()
    {
        await using var sim = await EngageVoiceSimulator.StartAsync(new EngageVoiceSimulatorOptions());
        using var http = new HttpClient();
        var tokens = await ExchangeAsync(http, sim);
        var bearer = tokens.GetProperty("accessToken").GetString();
        sim.Faults.RetryAfterSeconds = 7;
        sim.Faults.Enqueue(EngageVoiceFault.TooManyRequests);
        sim.Faults.Enqueue(EngageVoiceFault.ServerError);
        sim.Faults.Enqueue(EngageVoiceFault.ExpireToken);
        sim.Faults.Enqueue(EngageVoiceFault.TruncatedCsv);

        using var throttled = await http.SendAsync(Report(sim, apiToken: null, bearer: bearer));
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), throttled.Headers.RetryAfter!.Delta);
        using var error = await http.SendAsync(Report(sim, apiToken: null, bearer: bearer));
        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        using var expired = await http.SendAsync(Report(sim, apiToken: null, bearer: bearer));
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Equal("Jwt is expired", await expired.Content.ReadAsStringAsync());
        using var stillExpired = await http.SendAsync(Report(sim, apiToken: null, bearer: bearer));
        Assert.Equal("Jwt is expired", await stillExpired.Content.ReadAsStringAsync());

        using var truncated = await http.SendAsync(Report(sim), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, truncated.StatusCode);
        // The body breaks off: the client sees the connection end early, not a short but complete body.
        var broken = await Assert.ThrowsAsync<HttpRequestException>(() => truncated.Content.ReadAsStringAsync());
        Assert.IsAssignableFrom<IOException>(broken.InnerException);
        Assert.Empty(sim.Faults.Pending);
    }

    [Fact]
    public async Task Bad_requests_are_refused_as_the_api_would()
    {
        await using var sim = await EngageVoiceSimulator.StartAsync(new EngageVoiceSimulatorOptions());
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(Report(sim, apiToken: "wrong"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(Report(sim, body: Body.Replace("CSV", "JSON", StringComparison.Ordinal)))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(Report(sim, body: Body.Replace("[1111]", "[]", StringComparison.Ordinal)))).StatusCode);
    }
}
