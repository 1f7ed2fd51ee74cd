using System.Net;
using System.Threading.RateLimiting;
using CdrFunctions.Pipeline.RateLimits;
using Microsoft.Extensions.Time.Testing;

namespace CdrFunctions.Tests.Core.RateLimits;

public class RateLimiterTests
{
    private static readonly RateLimitPolicy RingCx = new(new RateLimit(3, TimeSpan.FromSeconds(60)), new RateLimit(9, TimeSpan.FromMinutes(15)));
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Three_a_minute_and_nine_a_quarter_hour_are_both_kept()
    {
        var time = new FakeTimeProvider(Start);
        using var limiter = new SlidingLogRateLimiter(RingCx, time);
        var granted = new List<DateTimeOffset>();
        for (var i = 0; i < 12; i++)
        {
            var wait = limiter.WaitForNext();
            time.Advance(wait);
            using var lease = limiter.AttemptAcquire();
            Assert.True(lease.IsAcquired, $"permit {i + 1} after waiting {wait}");
            granted.Add(time.GetUtcNow());
        }
        var offsets = granted.Select(t => (t - Start).TotalSeconds).ToArray();
        Assert.Equal(new double[] { 0, 0, 0, 60, 60, 60, 120, 120, 120, 900, 900, 900 }, offsets);
    }

    [Fact]
    public void No_span_of_any_window_ever_holds_more_than_its_permits_whatever_the_request_times()
    {
        var random = new Random(13);
        for (var round = 0; round < 50; round++)
        {
            var time = new FakeTimeProvider(Start);
            var policy = new RateLimitPolicy([new RateLimit(random.Next(1, 5), TimeSpan.FromSeconds(random.Next(1, 90))), new RateLimit(random.Next(5, 12), TimeSpan.FromSeconds(random.Next(90, 900)))], TimeSpan.Zero);
            using var limiter = new SlidingLogRateLimiter(policy, time);
            var granted = new List<DateTimeOffset>();
            for (var i = 0; i < 200; i++)
            {
                time.Advance(TimeSpan.FromMilliseconds(random.Next(0, 20_000)));
                using var lease = limiter.AttemptAcquire();
                if (lease.IsAcquired)
                {
                    granted.Add(time.GetUtcNow());
                }
                else
                {
                    Assert.True(lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.Zero);
                }
            }
            foreach (var limit in policy.Limits)
            {
                foreach (var t in granted)
                {
                    Assert.True(granted.Count(g => g >= t && g < t + limit.Window) <= limit.Permits, $"round {round}: more than {limit} from {t:O}");
                }
            }
            Assert.NotEmpty(granted);
        }
    }

    [Fact]
    public async Task Waiters_get_their_permits_in_arrival_order_at_the_time_the_limits_allow()
    {
        var time = new FakeTimeProvider(Start);
        using var limiter = new SlidingLogRateLimiter(new RateLimitPolicy(new RateLimit(1, TimeSpan.FromSeconds(10))), time);
        var done = new List<int>();
        var waits = Enumerable.Range(1, 3).Select(async i =>
        {
            using var lease = await limiter.AcquireAsync(1, Timeout.InfiniteTimeSpan, CancellationToken.None);
            lock (done)
            {
                done.Add(i);
            }
        }).ToList();
        Assert.Equal([1], done);
        time.Advance(TimeSpan.FromSeconds(10));
        await waits[1];
        Assert.Equal([1, 2], done);
        time.Advance(TimeSpan.FromSeconds(10));
        await Task.WhenAll(waits);
        Assert.Equal([1, 2, 3], done);
    }

    [Fact]
    public async Task A_wait_longer_than_allowed_is_refused_at_once_and_costs_no_permit()
    {
        var time = new FakeTimeProvider(Start);
        using var limiter = new SlidingLogRateLimiter(RingCx, time);
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await limiter.AcquireAsync(1, TimeSpan.Zero, CancellationToken.None)).IsAcquired);
        }
        using var refused = await limiter.AcquireAsync(1, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(60), retryAfter);
        time.Advance(TimeSpan.FromSeconds(60));
        Assert.True(limiter.AttemptAcquire().IsAcquired);
    }

    [Fact]
    public async Task A_cancelled_waiter_gives_its_reserved_slot_back()
    {
        var time = new FakeTimeProvider(Start);
        using var limiter = new SlidingLogRateLimiter(new RateLimitPolicy(new RateLimit(1, TimeSpan.FromSeconds(10))), time);
        Assert.True(limiter.AttemptAcquire().IsAcquired);
        using var cts = new CancellationTokenSource();
        var waiting = limiter.AcquireAsync(1, Timeout.InfiniteTimeSpan, cts.Token).AsTask();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(limiter.AttemptAcquire().IsAcquired);
    }

    [Fact]
    public void A_pause_from_a_server_retry_after_holds_every_caller_of_the_key()
    {
        var time = new FakeTimeProvider(Start);
        using var registry = new RateLimiterRegistry(time);
        registry.Pause("k", RingCx, TimeSpan.FromSeconds(42));
        var limiter = registry.For("k", RingCx);
        Assert.False(limiter.AttemptAcquire().IsAcquired);
        Assert.Equal(TimeSpan.FromSeconds(42), limiter.WaitForNext());
        time.Advance(TimeSpan.FromSeconds(42));
        Assert.True(limiter.AttemptAcquire().IsAcquired);
    }

    [Fact]
    public async Task The_registry_shares_one_limiter_per_key_and_keeps_keys_apart()
    {
        var time = new FakeTimeProvider(Start);
        using var registry = new RateLimiterRegistry(time);
        for (var i = 0; i < 3; i++)
        {
            await registry.AcquireAsync("sub/1", RingCx, TimeSpan.Zero, CancellationToken.None);
        }
        var refused = await Assert.ThrowsAsync<RateLimitWaitException>(() => registry.AcquireAsync("sub/1", RingCx, TimeSpan.Zero, CancellationToken.None).AsTask());
        Assert.Equal(TimeSpan.FromSeconds(60), refused.RetryAfter);
        Assert.Contains("sub/1", refused.Message, StringComparison.Ordinal);
        await registry.AcquireAsync("sub/2", RingCx, TimeSpan.Zero, CancellationToken.None);
        Assert.Same(registry.For("sub/1", RingCx), registry.For("sub/1", RingCx));
    }

    [Fact]
    public async Task The_http_handler_takes_a_permit_per_request_of_its_key_and_lets_unkeyed_requests_pass()
    {
        var time = new FakeTimeProvider(Start);
        using var registry = new RateLimiterRegistry(time);
        var sent = 0;
        using var handler = new RateLimitingHandler(registry, new RateLimitPolicy(new RateLimit(2, TimeSpan.FromMinutes(1))),
            r => r.RequestUri!.AbsolutePath.StartsWith("/limited", StringComparison.Ordinal) ? "limited" : null, TimeSpan.Zero)
        {
            InnerHandler = new CountingHandler(() => sent++),
        };
        using var http = new HttpClient(handler) { BaseAddress = new Uri("http://sim.local/") };
        await http.GetAsync(new Uri("limited/a", UriKind.Relative));
        await http.GetAsync(new Uri("limited/b", UriKind.Relative));
        await Assert.ThrowsAsync<RateLimitWaitException>(() => http.GetAsync(new Uri("limited/c", UriKind.Relative)));
        await http.GetAsync(new Uri("free", UriKind.Relative));
        Assert.Equal(3, sent);
    }

    [Theory]
    [InlineData("3/00:01:00", 3, 60)]
    [InlineData(" 9 / 00:15:00 ", 9, 900)]
    public void Limits_read_from_configuration_text(string text, int permits, int seconds) =>
        Assert.Equal(new RateLimit(permits, TimeSpan.FromSeconds(seconds)), RateLimit.Parse(text));

    [Theory]
    [InlineData("3")]
    [InlineData("0/00:01:00")]
    [InlineData("3/soon")]
    public void Bad_limit_text_is_a_format_error(string text) => Assert.Throws<FormatException>(() => RateLimit.Parse(text));

    private sealed class CountingHandler(Action onSend) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            onSend();
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }
}
