using System.CommandLine;
using System.Net;
using CdrFunctions.Cli;
using CdrFunctions.Cli.Commands;
using CdrFunctions.Pipeline.Resilience;
using CdrFunctions.Simulators.Alotech;
using CdrFunctions.Simulators.Common;

namespace CdrFunctions.Tests.Cli;

/// <summary><c>--rate-limit</c> and <c>--latency</c> of <c>cdr simulate</c> and <c>cdr demo</c>: the pace every simulator keeps.</summary>
public class SimulatorPaceOptionsTests
{
    private static Command CommandNamed(string name) => name == "simulate" ? SimulateCommand.Create() : DemoCommand.Create();

    [Theory]
    [InlineData("simulate")]
    [InlineData("demo")]
    public void Both_commands_that_start_simulators_read_a_rate_limit_and_a_latency(string command)
    {
        var parse = CommandNamed(command).Parse(["--rate-limit", "20/1s", "--latency", "50"]);

        Assert.Empty(parse.Errors);
        Assert.Equal(new RequestRateLimit(20, TimeSpan.FromSeconds(1)), parse.GetValue<RequestRateLimit?>("--rate-limit"));
        Assert.Equal(TimeSpan.FromMilliseconds(50), parse.GetValue<TimeSpan?>("--latency"));
    }

    [Theory]
    [InlineData("simulate")]
    [InlineData("demo")]
    public void Without_them_nothing_is_set(string command)
    {
        var parse = CommandNamed(command).Parse([]);

        Assert.Empty(parse.Errors);
        Assert.Null(parse.GetValue<RequestRateLimit?>("--rate-limit"));
        Assert.Null(parse.GetValue<TimeSpan?>("--latency"));
    }

    [Theory]
    [InlineData("--rate-limit", "20", "not a rate limit like 5/1s")]
    [InlineData("--rate-limit", "0/1s", "not a rate limit like 5/1s")]
    [InlineData("--rate-limit", "3/60s,9/15m", "more than one limit")]
    [InlineData("--latency", "-5", "not a number of milliseconds")]
    [InlineData("--latency", "50ms", "not a number of milliseconds")]
    public void A_value_it_cannot_read_is_an_error_that_says_why(string option, string value, string error)
    {
        var parse = SimulateCommand.Create().Parse([option, value]);

        Assert.Contains(error, Assert.Single(parse.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_pace_every_simulator_keeps_it_and_the_connector_is_told_the_same_limit()
    {
        var simulation = await AlotechSimulation.StartAsync(CancellationToken.None);
        await using var _ = simulation;

        var settings = new SimulatorPace(new RequestRateLimit(20, TimeSpan.FromSeconds(1)), TimeSpan.FromMilliseconds(50)).Apply([simulation]);

        Assert.Equal((20, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(50)), (simulation.Pacing.RateLimit, simulation.Pacing.RateLimitPeriod, simulation.Pacing.Latency));
        Assert.Equal("20/1s", settings["Vendors:Alotech:Http:RateLimit"]);
        Assert.Equal(simulation.Settings.Where(kv => !kv.Key.EndsWith(":Http:RateLimit", StringComparison.Ordinal)), settings.Where(kv => !kv.Key.EndsWith(":Http:RateLimit", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Without_a_pace_the_simulators_and_their_settings_are_as_they_were()
    {
        var simulation = await AlotechSimulation.StartAsync(CancellationToken.None);
        await using var _ = simulation;

        var settings = new SimulatorPace(null, null).Apply([simulation]);

        Assert.Equal((0, TimeSpan.Zero), (simulation.Pacing.RateLimit, simulation.Pacing.Latency));
        Assert.Equal(simulation.Settings, settings);
    }

    [Fact]
    public async Task Cdr_simulate_serves_at_the_rate_it_was_given()
    {
        using var simulate = LiveCdrProcess.Start(new Dictionary<string, string>(), "simulate", "--vendor", "alotech", "--rate-limit", "1/1m");
        await simulate.WaitForOutputAsync("running until Ctrl+C", TimeSpan.FromMinutes(1));
        Assert.Contains("cdr simulate: simulator pace: rate limit 1/60s.", simulate.Stdout, StringComparison.Ordinal);
        var baseUrl = simulate.Stdout.Split('\n').Single(l => l.Contains("alotech simulator at ", StringComparison.Ordinal)).Trim().Split(' ').Last();
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        var url = $"api/?function=reportsCDRLogs&startdate=2026-11-22%2000:00:00&finishdate=2026-11-22%2001:00:00&app_token={new AlotechSimulatorOptions().AppToken}";

        using var first = await http.GetAsync(url);
        using var second = await http.GetAsync(url);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.TooManyRequests), (first.StatusCode, second.StatusCode));
        await simulate.InterruptAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, simulate.ExitCode);
    }
}
