using System.Diagnostics;
using CdrFunctions.Pipeline.Pull;
using CdrFunctions.Simulators.Alotech;
using CdrFunctions.Vendors;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CdrFunctions.Bench;

/// <summary>
/// A backfill (<c>cdr pull</c>'s code path) from an Alotech simulator that allows <see cref="AllowedPerSecond"/>
/// requests a second and answers after <see cref="Latency"/>, with the connector told the same limit: the
/// requests the simulator served per second of the backfill, against the rate it allows.
/// </summary>
internal static class BackfillBench
{
    public const int AllowedPerSecond = 20;
    public static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(50);

    public sealed record Result(double AchievedPerSecond, long Requests, long Throttled, TimeSpan Elapsed, long Records, int Windows)
    {
        public double Ratio => AchievedPerSecond / AllowedPerSecond;
    }

    public static async Task<Result> RunAsync(string storageConnectionString, int hours, CancellationToken cancellationToken)
    {
        await using var simulator = await AlotechSimulator.StartAsync(new AlotechSimulatorOptions
        {
            CallsPerHour = 1_000,
            RateLimit = AllowedPerSecond,
            RateLimitPeriod = TimeSpan.FromSeconds(1),
            Latency = Latency,
        }, cancellationToken);
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CdrStorage"] = storageConnectionString,
            ["Vendors:Alotech:Enabled"] = "true",
            ["Vendors:Alotech:BaseUrl"] = simulator.BaseUrl.AbsoluteUri,
            ["Vendors:Alotech:AppToken"] = simulator.State.Options.AppToken,
            ["Vendors:Alotech:TimeZone"] = simulator.State.Options.TimeZone,
            ["Vendors:Alotech:Http:RateLimit"] = $"{AllowedPerSecond}/1s",
            // Windows in flight must cover rate × round trip (20/s × up to ~0.5 s here under load), or the
            // round trips, not the limit, set the pace: every window of the backfill at once.
            ["Vendors:Alotech:WindowConcurrency"] = hours.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddCdrFunctions(config);
        await using var provider = services.BuildServiceProvider();
        var runner = provider.GetRequiredService<PullRunner>();

        var from = RawWindow.From;
        await WarmUpAsync(simulator, cancellationToken);
        var (admittedBefore, throttledBefore) = (simulator.State.Pacing.AdmittedRequests, simulator.State.Pacing.ThrottledRequests);
        var watch = Stopwatch.StartNew();
        var result = await runner.BackfillAsync("alotech", from, from.AddHours(hours), null, cancellationToken);
        watch.Stop();
        if (result.Status != PullRunStatus.Completed)
        {
            throw new InvalidOperationException($"Backfill failed: {result.Summary}");
        }
        var served = simulator.State.Pacing.AdmittedRequests - admittedBefore;
        return new Result(served / watch.Elapsed.TotalSeconds, served, simulator.State.Pacing.ThrottledRequests - throttledBefore, watch.Elapsed, result.Records, result.Windows.Count);
    }

    /// <summary>
    /// One request before the measured backfill, as a vendor's servers are warm: the simulator just started, and its
    /// first requests (code compiled on first use, under load) stalled the first burst of the backfill together for a
    /// few hundred milliseconds, counted at once when they got through.
    /// </summary>
    private static async Task WarmUpAsync(AlotechSimulator simulator, CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        var day = RawWindow.From.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        using var response = await http.GetAsync(
            new Uri(simulator.BaseUrl, $"api/?function=reportsCDRLogs&startdate={day}%2000%3A00%3A00&finishdate={day}%2001%3A00%3A00&app_token={simulator.State.Options.AppToken}"),
            cancellationToken);
        response.EnsureSuccessStatusCode();
        // Past the simulator's period, so the warm-up takes no place from the backfill.
        await Task.Delay(TimeSpan.FromSeconds(1.1), cancellationToken);
    }
}
