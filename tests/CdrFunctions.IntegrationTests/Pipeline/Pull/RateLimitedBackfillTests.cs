using CdrFunctions.Pipeline.Pull;
using CdrFunctions.Pipeline.Resilience;
using CdrFunctions.Pipeline.Storage;
using CdrFunctions.Simulators.Alotech;
using CdrFunctions.Tests.Integration;
using Microsoft.Extensions.DependencyInjection;

namespace CdrFunctions.Tests.Pipeline.Pull;

/// <summary>
/// A backfill of concurrent windows against a vendor that allows fewer requests than the connector was told: the
/// vendor's 429s and Retry-After slow the whole vendor down, and every call still lands once.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class RateLimitedBackfillTests
{
    private static readonly DateTimeOffset From = new(2026, 11, 21, 6, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = From.AddHours(8);

    [Fact]
    public async Task A_concurrent_backfill_told_too_high_a_rate_adapts_to_the_vendors_429s_and_lands_every_call_once()
    {
        // The vendor answers 8 requests a second; the connector is told 40, and pulls four windows at a time.
        await using var h = await AlotechHarness.StartAsync(
            new AlotechSimulatorOptions { CallsPerHour = 400, RateLimit = 8, RateLimitPeriod = TimeSpan.FromSeconds(1) },
            new Dictionary<string, string?>
            {
                ["Vendors:Alotech:Http:RateLimit"] = "40/1s",
                ["Vendors:Alotech:WindowConcurrency"] = "4",
            });
        var truth = h.Simulator.ValidCallsBetween(From, To);
        var rates = new List<double>();
        var running = 0;

        var pull = await h.Runner.BackfillAsync("alotech", From, To, new SyncProgress(p =>
        {
            rates.Add(p.RequestsPerSecond);
            running = Math.Max(running, p.WindowsRunning);
        }), CancellationToken.None);

        Assert.True(pull.Status == PullRunStatus.Completed, pull.Error);
        Assert.Equal(8, pull.Windows.Count);
        Assert.True(running > 1, "the windows should have been pulled concurrently");
        var pacing = h.Simulator.State.Pacing;
        var limiter = h.Services.GetRequiredService<VendorRateLimiters>().Find("alotech")!;
        Assert.True(pacing.ThrottledRequests > 0, "the vendor should have pushed back");
        Assert.Equal(pacing.ThrottledRequests, limiter.Throttled);
        // Had the connector kept to the rate it was told, most requests past the vendor's 8 a second would be refused.
        Assert.True(pacing.ThrottledRequests < pacing.AdmittedRequests, $"{pacing.ThrottledRequests} refused, {pacing.AdmittedRequests} answered");
        Assert.Contains(rates, r => r > 0);

        var results = await h.NormalizeAllAsync(From, To);
        Assert.Equal(truth.Count, results.Sum(r => r.Records));
        Assert.Equal(0, results.Sum(r => r.Duplicates));
        var byId = (await h.TableSnapshotAsync()).Keys.Where(k => k.Item1.StartsWith("id|alotech|", StringComparison.Ordinal)).Select(k => k.Item2);
        Assert.Equal(truth.Select(c => TableKeys.Escape(c.Key)).Order(), byId.Order());
    }
}
