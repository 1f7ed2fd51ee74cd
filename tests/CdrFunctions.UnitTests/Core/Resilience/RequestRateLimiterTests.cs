using System.Net;
using CdrFunctions.Pipeline.Resilience;
using Microsoft.Extensions.Time.Testing;

namespace CdrFunctions.Tests.Core.Resilience;

/// <summary>The per-vendor request pacing, on a fake clock: nothing here waits for real time.</summary>
public class RequestRateLimiterTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Theory]
    [InlineData("5/1s", 5, 1.0)]
    [InlineData("3/60s, 9/15m", 3, 60.0)]
    [InlineData("100/500ms", 100, 0.5)]
    [InlineData("10/00:01:00", 10, 60.0)]
    [InlineData("2/1h", 2, 3600.0)]
    public void Rate_limits_are_read_from_settings(string text, int requests, double seconds)
    {
        var first = RequestRateLimit.ParseList(text)[0];
        Assert.Equal(requests, first.Requests);
        Assert.Equal(TimeSpan.FromSeconds(seconds), first.Per);
    }

    [Theory]
    [InlineData("")]
    [InlineData("none")]
    [InlineData("off")]
    public void No_limit_is_a_valid_setting(string text) => Assert.Empty(RequestRateLimit.ParseList(text));

    [Theory]
    [InlineData("5")]
    [InlineData("0/1s")]
    [InlineData("five/1s")]
    [InlineData("5/soon")]
    public void A_malformed_limit_is_rejected_with_its_text(string text)
    {
        var error = RequestRateLimit.TryParseList(text, out _);
        Assert.NotNull(error);
        Assert.Contains(text, error);
    }

    [Fact]
    public void The_RingCX_default_of_Engage_Voice_is_3_per_minute_and_9_per_15_minutes()
    {
        var limits = RequestRateLimit.ParseList(new CdrFunctions.Vendors.EngageVoice.EngageVoiceOptions().Http.RateLimit);
        Assert.Equal([new RequestRateLimit(3, TimeSpan.FromSeconds(60)), new RequestRateLimit(9, TimeSpan.FromMinutes(15))], limits);
        Assert.NotEmpty(RequestRateLimit.ParseList(new CdrFunctions.Vendors.Alotech.AlotechOptions().Http.RateLimit));
        Assert.NotEmpty(RequestRateLimit.ParseList(new CdrFunctions.Vendors.DeepCall.DeepCallOptions().Http.RateLimit));
    }

    [Fact]
    public async Task The_request_beyond_the_limit_waits_until_the_oldest_leaves_the_period()
    {
        var time = new FakeTimeProvider();
        var limiter = new RequestRateLimiter("v", [new RequestRateLimit(3, TimeSpan.FromSeconds(10))], time);
        for (var i = 0; i < 3; i++)
        {
            await limiter.AcquireAsync(None);
        }
        var fourth = limiter.AcquireAsync(None).AsTask();
        time.Advance(TimeSpan.FromSeconds(9));
        await Task.Delay(20);
        Assert.False(fourth.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(2));
        await Eventually(() => fourth.IsCompleted);
        Assert.Equal(4, limiter.Requests);
    }

    [Fact]
    public async Task Every_limit_holds_at_once()
    {
        var time = new FakeTimeProvider();
        var limiter = new RequestRateLimiter("ringcx", RequestRateLimit.ParseList("3/60s,9/15m"), time);
        var requests = Enumerable.Range(0, 12).Select(_ => limiter.AcquireAsync(None).AsTask()).ToList();
        await Eventually(() => requests.Count(r => r.IsCompleted) == 3);

        time.Advance(TimeSpan.FromSeconds(30));
        await Task.Delay(20);
        Assert.Equal(3, requests.Count(r => r.IsCompleted));

        // 3 a minute would allow 45 in 15 minutes; the 15-minute limit stops them at 9.
        for (var minute = 0; minute < 14; minute++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(5);
        }
        await Eventually(() => requests.Count(r => r.IsCompleted) == 9);
        await Task.Delay(20);
        Assert.Equal(9, requests.Count(r => r.IsCompleted));

        time.Advance(TimeSpan.FromMinutes(2));
        await Eventually(() => requests.Count(r => r.IsCompleted) >= 10);
    }

    private static async Task Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }
        Assert.True(condition());
    }

    [Fact]
    public async Task A_429_pauses_everyone_for_Retry_After_and_slows_the_pace_until_answers_succeed_again()
    {
        var time = new FakeTimeProvider();
        var limiter = new RequestRateLimiter("v", [new RequestRateLimit(100, TimeSpan.FromSeconds(1))], time);
        await limiter.AcquireAsync(None);
        limiter.OnResponse(HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(30));
        Assert.Equal(1, limiter.Throttled);
        Assert.Equal(2, limiter.Slowdown);

        var next = limiter.AcquireAsync(None).AsTask();
        time.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(20);
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(2));
        await Eventually(() => next.IsCompleted);

        for (var i = 0; i < 10; i++)
        {
            limiter.OnResponse(HttpStatusCode.OK, null);
        }
        Assert.Equal(1, limiter.Slowdown);
    }

    [Fact]
    public async Task The_current_rate_counts_requests_of_the_last_seconds()
    {
        var time = new FakeTimeProvider();
        var limiter = new RequestRateLimiter("v", [], time);
        for (var second = 0; second < 20; second++)
        {
            await limiter.AcquireAsync(None);
            await limiter.AcquireAsync(None);
            time.Advance(TimeSpan.FromSeconds(1));
        }
        Assert.InRange(limiter.CurrentRate, 1.9, 2.3);
        Assert.True(double.IsPositiveInfinity(limiter.AllowedPerSecond));
    }
}
