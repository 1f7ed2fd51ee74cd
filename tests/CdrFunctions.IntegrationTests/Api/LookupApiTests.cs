using System.Net;
using System.Text.Json;
using CdrFunctions.Pipeline.Api;
using CdrFunctions.Pipeline.Lookup;
using CdrFunctions.Tests.Integration;
using Microsoft.Extensions.DependencyInjection;

namespace CdrFunctions.Tests.Api;

public sealed class ApiFixture : IAsyncLifetime
{
    internal ApiHarness Harness { get; private set; } = null!;

    public async Task InitializeAsync() => Harness = await ApiHarness.StartAsync();

    public async Task DisposeAsync() => await Harness.DisposeAsync();
}

/// <summary>Every route and every error case of the lookup API, over HTTP on a real Kestrel and Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public class LookupApiTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private ApiHarness H => fixture.Harness;
    private const string Range = "from=2026-11-22T00:00:00Z&to=2026-11-22T12:00:00Z";

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, string mediaType = "application/json")
    {
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private async Task AssertProblemAsync(string url, HttpStatusCode status, string? field)
    {
        using var response = await H.Client.GetAsync(url);
        Assert.Equal(status, response.StatusCode);
        var problem = await JsonAsync(response, "application/problem+json");
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        if (field is not null)
        {
            Assert.Equal(field, problem.GetProperty("field").GetString());
        }
    }

    private string AnsweredCallKey() => H.Simulator.ValidCallsBetween(ApiHarness.From, ApiHarness.To).First(c => c.Answered).Key;

    [Fact]
    public async Task A_stored_call_comes_back_as_camel_case_json()
    {
        var key = AnsweredCallKey();
        using var response = await H.Client.GetAsync($"calls/alotech/{key}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var call = await JsonAsync(response);
        Assert.Equal(key, call.GetProperty("callId").GetString());
        Assert.Equal("alotech", call.GetProperty("vendor").GetString());
        Assert.EndsWith("Z", call.GetProperty("startUtc").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Vendor_names_are_case_insensitive_in_the_path()
    {
        using var response = await H.Client.GetAsync($"calls/Alotech/{AnsweredCallKey()}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("calls/alotech/000000000000000", HttpStatusCode.NotFound, null)]
    [InlineData("calls/nosuchvendor/123", HttpStatusCode.BadRequest, "vendor")]
    [InlineData("calls/alotech/abc%01def", HttpStatusCode.BadRequest, "callId")]
    [InlineData("calls/alotech/123?live=maybe", HttpStatusCode.BadRequest, "live")]
    [InlineData("calls?" + Range, HttpStatusCode.BadRequest, "number")]
    [InlineData("calls?number=abc&" + Range, HttpStatusCode.BadRequest, "number")]
    [InlineData("calls?number=%2B905321234567&from=2026-11-22T12:00:00Z&to=2026-11-22T00:00:00Z", HttpStatusCode.BadRequest, "from")]
    [InlineData("calls?number=%2B905321234567&from=yesterday", HttpStatusCode.BadRequest, "from")]
    [InlineData("calls?number=%2B905321234567&to=2026-13-45", HttpStatusCode.BadRequest, "to")]
    [InlineData("calls?number=%2B905321234567&to=0001-01-01T00:00:00Z", HttpStatusCode.BadRequest, "to")]
    [InlineData("calls?number=%2B905321234567&from=0001-01-01T00:00:00Z", HttpStatusCode.BadRequest, "from")]
    [InlineData("calls?number=%2B905321234567&to=9999-12-31T23:59:59Z", HttpStatusCode.BadRequest, "to")]
    [InlineData("calls?number=%2B905321234567&vendor=nosuch", HttpStatusCode.BadRequest, "vendor")]
    [InlineData("calls?number=%2B905321234567&limit=0", HttpStatusCode.BadRequest, "limit")]
    [InlineData("calls?number=%2B905321234567&limit=1001", HttpStatusCode.BadRequest, "limit")]
    [InlineData("calls?number=%2B905321234567&limit=ten", HttpStatusCode.BadRequest, "limit")]
    [InlineData("calls?number=%2B905321234567&continuationToken=garbage", HttpStatusCode.BadRequest, "continuationToken")]
    [InlineData("calls?number=%2B905321234567&continuationToken=v1.%25%25", HttpStatusCode.BadRequest, "continuationToken")]
    public async Task Bad_input_is_a_problem_naming_the_field(string url, HttpStatusCode status, string? field) =>
        await AssertProblemAsync(url, status, field);

    [Theory]
    [InlineData("calls/alotech/a%ED%A0%80b")]
    [InlineData("calls/alotech/%C3%28%FF")]
    [InlineData("calls?number=%FF%FE&from=%ED%A0%80")]
    [InlineData("calls?number=%2B905321234567&limit=%C3%28&vendor=%FF")]
    [InlineData("calls?number=%2B905321234567&continuationToken=v1.7Z_-")]
    public async Task Invalid_UTF8_or_surrogates_in_any_parameter_never_make_a_500(string url)
    {
        using var response = await H.Client.GetAsync(url);
        Assert.True((int)response.StatusCode is 400 or 404, $"{url}: {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_overlong_call_id_is_a_400()
    {
        await AssertProblemAsync($"calls/alotech/{new string('7', 257)}", HttpStatusCode.BadRequest, "callId");
    }

    [Fact]
    public async Task A_live_lookup_asks_the_vendor_for_a_call_not_stored_yet()
    {
        var later = H.Simulator.ValidCallsBetween(ApiHarness.To, ApiHarness.To.AddHours(6)).First(c => c.Answered);
        await AssertProblemAsync($"calls/alotech/{later.Key}", HttpStatusCode.NotFound, null);
        using var response = await H.Client.GetAsync($"calls/alotech/{later.Key}?live=true");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var call = await JsonAsync(response);
        Assert.Equal(later.Key, call.GetProperty("callId").GetString());
        Assert.StartsWith("alotech/", call.GetProperty("rawBlob").GetString(), StringComparison.Ordinal);
        await AssertProblemAsync("calls/alotech/000000000000000?live=true", HttpStatusCode.NotFound, null);
    }

    [Fact]
    public async Task Pages_of_a_number_are_newest_first_and_follow_the_token_to_the_end()
    {
        var number = await BusiestNumberAsync();
        var query = $"calls?number={Uri.EscapeDataString(number)}&{Range}&vendor=alotech";
        using var all = await H.Client.GetAsync(query + "&limit=1000");
        var everything = (await JsonAsync(all)).GetProperty("calls").EnumerateArray().Select(c => c.GetProperty("callId").GetString()).ToList();
        Assert.True(everything.Count >= 3, $"need a number with several calls, got {everything.Count}");

        // About four pages whatever the number's volume.
        var limit = Math.Max(1, everything.Count / 4);
        var paged = new List<string?>();
        var starts = new List<DateTimeOffset>();
        string? token = null;
        var pages = 0;
        do
        {
            using var response = await H.Client.GetAsync(query + $"&limit={limit}" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await JsonAsync(response);
            var calls = page.GetProperty("calls").EnumerateArray().ToList();
            Assert.True(calls.Count <= limit);
            paged.AddRange(calls.Select(c => c.GetProperty("callId").GetString()));
            starts.AddRange(calls.Select(c => DateTimeOffset.Parse(c.GetProperty("startUtc").GetString()!, System.Globalization.CultureInfo.InvariantCulture)));
            token = page.GetProperty("continuationToken").GetString();
            pages++;
        }
        while (token is not null && pages < 20);
        Assert.Null(token);
        Assert.InRange(pages, 4, 6);
        Assert.Equal(everything, paged);
        Assert.Equal(starts.OrderDescending(), starts);
    }

    [Fact]
    public async Task Status_reports_each_vendor_with_checkpoint_lag_and_last_run()
    {
        using var response = await H.Client.GetAsync("status");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var status = await JsonAsync(response);
        var alotech = status.GetProperty("vendors").EnumerateArray().Single(v => v.GetProperty("vendor").GetString() == "alotech");
        Assert.True(alotech.GetProperty("enabled").GetBoolean());
        Assert.True(alotech.GetProperty("configured").GetBoolean());
        Assert.Equal("0 */15 * * * *", alotech.GetProperty("schedule").GetString());
        // The seed was a backfill, which does not touch the checkpoint.
        Assert.Equal(JsonValueKind.Null, alotech.GetProperty("checkpoint").ValueKind);

        var run = await H.Services.GetRequiredService<CdrFunctions.Pipeline.Pull.ScheduledPull>().RunAsync("alotech", false, CancellationToken.None);
        using var after = await H.Client.GetAsync("status");
        var v = (await JsonAsync(after)).GetProperty("vendors").EnumerateArray().Single(x => x.GetProperty("vendor").GetString() == "alotech");
        Assert.Equal("2026-11-22T11:00:00Z", v.GetProperty("checkpoint").GetString());
        Assert.Equal(67 * 60, v.GetProperty("lagSeconds").GetInt64());
        Assert.Equal(run.Status.ToString(), v.GetProperty("lastRun").GetProperty("status").GetString());
        Assert.Equal(run.Windows.Count, v.GetProperty("lastRun").GetProperty("windows").GetInt32());
        Assert.Equal(JsonValueKind.Null, v.GetProperty("lastError").ValueKind);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    [InlineData("")]
    public async Task Without_the_right_key_every_route_is_401(string? key)
    {
        using var client = new HttpClient { BaseAddress = H.Client.BaseAddress };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add(CdrApiRoutes.KeyHeader, key);
        }
        foreach (var url in new[] { "status", "calls?number=%2B905321234567", $"calls/alotech/{AnsweredCallKey()}" })
        {
            using var response = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            await JsonAsync(response, "application/problem+json");
        }
    }

    [Fact]
    public async Task The_key_may_also_come_as_the_code_query_parameter()
    {
        using var client = new HttpClient { BaseAddress = H.Client.BaseAddress };
        using var response = await client.GetAsync($"status?code={ApiHarness.Key}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<string> BusiestNumberAsync()
    {
        var lookup = H.Services.GetRequiredService<CallLookup>();
        var numbers = new List<string>();
        foreach (var c in H.Simulator.ValidCallsBetween(ApiHarness.From, ApiHarness.To).Take(80))
        {
            if (await lookup.GetAsync("alotech", c.Key, CancellationToken.None) is { FromNumber: { } n })
            {
                numbers.Add(n);
            }
        }
        return numbers.GroupBy(n => n).OrderByDescending(g => g.Count()).First().Key;
    }
}
