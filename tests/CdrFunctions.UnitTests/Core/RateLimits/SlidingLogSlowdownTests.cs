using CdrFunctions.Pipeline.RateLimits;
using Microsoft.Extensions.Time.Testing;

namespace CdrFunctions.Tests.Core.RateLimits;

/// <summary>What the per-vendor request limiter needs of the one sliding-log limiter: slowing down, and pauses that hold waiters.</summary>
public class SlidingLogSlowdownTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_slowdown_stretches_every_window_and_ending_it_restores_the_pace()
    {
        var time = new FakeTimeProvider(Start);
        using var limiter = new SlidingLogRateLimiter(new RateLimitPolicy(new RateLimit(1, TimeSpan.FromSeconds(10))), time);
        using (limiter.AttemptAcquire())
        {
        }
        limiter.Slowdown = 2;
        Assert.Equal(TimeSpan.FromSeconds(20), limiter.WaitForNext());
        limiter.Slowdown = 1;
        Assert.Equal(TimeSpan.FromSeconds(10), limiter.WaitForNext());
        Assert.Throws<ArgumentOutOfRangeException>(() => limiter.Slowdown = 0.5);
    }

    [Fact]
    public async Task A_pause_that_starts_while_a_caller_waits_for_its_slot_holds_that_caller_too()
    {
        var time = new FakeTimeProvider(Start);
        using var limiter = new SlidingLogRateLimiter(new RateLimitPolicy(new RateLimit(1, TimeSpan.FromSeconds(10))), time);
        using (await limiter.AcquireAsync(1, Timeout.InfiniteTimeSpan, CancellationToken.None))
        {
        }
        var waiting = limiter.AcquireAsync(1, Timeout.InfiniteTimeSpan, CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromSeconds(5));
        limiter.PauseUntil(time.GetUtcNow() + TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(6));
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(25));
        for (var i = 0; i < 300 && !waiting.IsCompleted; i++)
        {
            await Task.Delay(10);
        }
        using var lease = await waiting;
        Assert.True(lease.IsAcquired);
        Assert.True(time.GetUtcNow() >= Start + TimeSpan.FromSeconds(35));
    }
}
