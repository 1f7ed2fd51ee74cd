using System.Net;
using System.Text.Json;
using CdrFunctions.Pipeline.Api;
using CdrFunctions.Pipeline.Lookup;
using CdrFunctions.Pipeline.Security;
using CdrFunctions.Tests.Api;
using CdrFunctions.Tests.Integration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CdrFunctions.Tests.Security;

/// <summary>
/// What an API caller with a valid key can and cannot make us do: live lookups (each one a vendor call and a blob)
/// are limited per vendor with 429 problem+json and Retry-After; the key check reveals nothing through timing.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class ApiAbuseTests
{
    [Fact]
    public async Task Live_lookups_are_limited_per_vendor_with_429_problem_json_and_retry_after()
    {
        await using var h = await ApiHarness.StartAsync(settings: new Dictionary<string, string?> { ["LiveLookup:PerMinute"] = "2" });
        var later = h.Simulator.ValidCallsBetween(ApiHarness.To, ApiHarness.To.AddHours(6)).Take(4).ToList();
        var stored = h.Simulator.ValidCallsBetween(ApiHarness.From, ApiHarness.To)[0];
        var before = h.Simulator.Requests.Count;

        for (var i = 0; i < 2; i++)
        {
            using var ok = await h.Client.GetAsync($"calls/alotech/{later[i].Key}?live=true");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        using (var limited = await h.Client.GetAsync($"calls/alotech/{later[2].Key}?live=true"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
            Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
            var retryAfter = limited.Headers.RetryAfter?.Delta;
            Assert.NotNull(retryAfter);
            Assert.InRange(retryAfter!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
            using var problem = JsonDocument.Parse(await limited.Content.ReadAsStringAsync());
            Assert.Equal(429, problem.RootElement.GetProperty("status").GetInt32());
        }
        // The vendor was asked twice only; stored calls are still served, live or not.
        Assert.Equal(before + 2, h.Simulator.Requests.Count);
        using (var cached = await h.Client.GetAsync($"calls/alotech/{stored.Key}?live=true"))
        {
            Assert.Equal(HttpStatusCode.OK, cached.StatusCode);
        }

        h.Time.Advance(TimeSpan.FromMinutes(1));
        using var again = await h.Client.GetAsync($"calls/alotech/{later[2].Key}?live=true");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public void Each_vendor_has_its_own_allowance()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 12, 0, 30, TimeSpan.Zero));
        var limiter = new LiveLookupLimiter(Options.Create(new LiveLookupOptions { PerMinute = 1 }), time);
        limiter.Acquire("alotech");
        limiter.Acquire("deepcall");
        var e = Assert.Throws<LiveLookupThrottledException>(() => limiter.Acquire("alotech"));
        Assert.Equal(TimeSpan.FromMinutes(1), e.RetryAfter);
        time.Advance(TimeSpan.FromSeconds(45));
        Assert.Equal(TimeSpan.FromSeconds(15), Assert.Throws<LiveLookupThrottledException>(() => limiter.Acquire("deepcall")).RetryAfter);
        time.Advance(TimeSpan.FromSeconds(15));
        limiter.Acquire("alotech");
    }

    [Theory]
    [InlineData("k3y-0123456789abcdef", true)]
    [InlineData("k3y-0123456789abcde", false)]
    [InlineData("k3y-0123456789abcdefg", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void The_key_check_compares_hashes_of_both_sides(string? given, bool accepted)
    {
        Assert.Equal(accepted, SecretComparison.Matches(given, "k3y-0123456789abcdef"));
        var request = new DefaultHttpContext().Request;
        if (given is not null)
        {
            request.Headers[CdrApiRoutes.KeyHeader] = given;
        }
        Assert.Equal(accepted, new ApiKeyCheck("k3y-0123456789abcdef").Accepts(request));
    }

    [Fact]
    public void No_expected_secret_accepts_nothing()
    {
        Assert.False(SecretComparison.Matches("", ""));
        Assert.False(SecretComparison.Matches(null, null));
    }
}
