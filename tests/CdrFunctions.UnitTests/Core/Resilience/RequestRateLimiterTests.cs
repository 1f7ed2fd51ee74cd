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
        var throttled = await limiter.AcquireAsync(None);
        limiter.OnResponse(throttled, HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(30));
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
            limiter.OnResponse(await next, HttpStatusCode.OK, null);
        }
        Assert.Equal(1, limiter.Slowdown);
    }

    [Theory]
    // Held up 70 ms more than the fastest: it may have arrived that late, so the request that would reuse its place in
    // the period waits 50 ms longer (the 2% margin covers 20 ms): due at 1,020 and 1,070 ms.
    [InlineData(120, 1_070)]
    // 750 ms more: the estimate also holds the vendor's time to build its answer, which varies far more than the trip
    // there, so it moves the request by at most half a period: 500 ms, not 730 ms.
    [InlineData(800, 1_520)]
    public async Task A_request_slower_than_the_fastest_round_trip_counts_as_arriving_that_much_later_up_to_half_a_period(int slowRoundTripMs, int fourthDueMs)
    {
        var time = new FakeTimeProvider();
        var limiter = new RequestRateLimiter("v", [new RequestRateLimit(2, TimeSpan.FromSeconds(1))], time);
        var fast = await limiter.AcquireAsync(None);
        var slow = await limiter.AcquireAsync(None);
        time.Advance(TimeSpan.FromMilliseconds(50));
        limiter.OnResponse(fast, HttpStatusCode.OK, null);
        time.Advance(TimeSpan.FromMilliseconds(slowRoundTripMs - 50));
        limiter.OnResponse(slow, HttpStatusCode.OK, null);

        // Both sent at 0: the third is due at 1,020 ms, the fourth (in the slow one's place) later.
        var third = limiter.AcquireAsync(None).AsTask();
        var fourth = limiter.AcquireAsync(None).AsTask();
        time.Advance(TimeSpan.FromMilliseconds(1_030 - slowRoundTripMs));
        await Eventually(() => third.IsCompleted);
        await Task.Delay(20);
        Assert.False(fourth.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(fourthDueMs - 1_030));
        await Eventually(() => fourth.IsCompleted);
    }

    [Fact]
    public async Task A_slow_answer_counts_as_late_once_a_faster_round_trip_shows_up_after_it()
    {
        // The first answers of a run are all slow (cold connections): how late a request arrived is only known
        // once a fast round trip is seen, and the slow one is moved then.
        var time = new FakeTimeProvider();
        var limiter = new RequestRateLimiter("v", [new RequestRateLimit(2, TimeSpan.FromSeconds(1))], time);
        var slow = await limiter.AcquireAsync(None);
        time.Advance(TimeSpan.FromMilliseconds(100));
        var fast = await limiter.AcquireAsync(None);
        time.Advance(TimeSpan.FromMilliseconds(20));
        limiter.OnResponse(slow, HttpStatusCode.OK, null);
        time.Advance(TimeSpan.FromMilliseconds(30));
        limiter.OnResponse(fast, HttpStatusCode.OK, null);

        // Sent at 0 and 100 ms; once the 50 ms trip is seen, the slow one (120 ms) may have arrived at 50 ms: the
        // third request is due at 1,070 ms, not 1,020 ms (the fourth, after the fast one, at 1,120 ms).
        var third = limiter.AcquireAsync(None).AsTask();
        time.Advance(TimeSpan.FromMilliseconds(880));
        await Task.Delay(20);
        Assert.False(third.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(50));
        await Eventually(() => third.IsCompleted);
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
