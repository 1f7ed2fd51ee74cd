using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using CdrFunctions.Pipeline.Resilience;
using CdrFunctions.Simulators.Common;

namespace CdrFunctions.Cli;

/// <summary>
/// The <c>--rate-limit --latency</c> pair of the commands that start simulators: the pace every simulated API keeps
/// (its <see cref="RequestPacer"/>), so a local run meets a vendor's limit and round trip.
/// </summary>
internal sealed record SimulatorPaceOptions(Option<RequestRateLimit?> RateLimit, Option<TimeSpan?> Latency)
{
    public static SimulatorPaceOptions Create() => new(
        new Option<RequestRateLimit?>("--rate-limit")
        {
            Description = "Requests every simulator answers per period, like 20/1s or 600/1m (the form of Vendors:<Vendor>:Http:RateLimit, "
                + "which the connector is given too); beyond that 429 with Retry-After. Default: no limit.",
            HelpName = "requests/period",
            CustomParser = ParseRateLimit,
        },
        new Option<TimeSpan?>("--latency")
        {
            Description = "Milliseconds every simulator answer waits, as a distant vendor's round trip. Default: 0.",
            HelpName = "ms",
            CustomParser = ParseLatency,
        });

    public SimulatorPace Read(ParseResult parse) => new(parse.GetValue(RateLimit), parse.GetValue(Latency));

    private static RequestRateLimit? ParseRateLimit(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (RequestRateLimit.TryParseList(text, out var limits) is { } error)
        {
            result.AddError($"--rate-limit: {error}.");
            return null;
        }
        if (limits.Count > 1)
        {
            // A simulator's pacer keeps one sliding window.
            result.AddError($"--rate-limit: '{text}' is more than one limit; a simulator keeps one, like 20/1s.");
            return null;
        }
        return limits.Count == 1 ? limits[0] : null;
    }

    private static TimeSpan? ParseLatency(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds))
        {
            return TimeSpan.FromMilliseconds(milliseconds);
        }
        result.AddError($"--latency: '{text}' is not a number of milliseconds, like 50.");
        return null;
    }
}

/// <summary>The pace given on the command line; what was not given leaves the simulators as they are.</summary>
internal sealed record SimulatorPace(RequestRateLimit? RateLimit, TimeSpan? Latency)
{
    /// <summary>
    /// Paces every simulator and returns their settings, with the connector's own limit (<c>…:Http:RateLimit</c>) set
    /// to the simulators' one, as the benchmark does: their usual value assumes a simulator that allows any rate.
    /// </summary>
    public Dictionary<string, string?> Apply(IEnumerable<IVendorSimulation> simulations)
    {
        var settings = new Dictionary<string, string?>();
        foreach (var simulation in simulations)
        {
            if (RateLimit is { } limit)
            {
                simulation.Pacing.RateLimitPeriod = limit.Per;
                simulation.Pacing.RateLimit = limit.Requests;
            }
            if (Latency is { } latency)
            {
                simulation.Pacing.Latency = latency;
            }
            foreach (var (key, value) in simulation.Settings)
            {
                settings[key] = RateLimit is { } told && key.EndsWith(":Http:RateLimit", StringComparison.Ordinal) ? told.ToString() : value;
            }
        }
        return settings;
    }

    /// <summary>One line for the console, or null when nothing was given.</summary>
    public string? Describe()
    {
        var parts = new List<string>();
        if (RateLimit is { } limit)
        {
            parts.Add($"rate limit {limit}");
        }
        if (Latency is { } latency)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"latency {latency.TotalMilliseconds:0} ms"));
        }
        return parts.Count == 0 ? null : "simulator pace: " + string.Join(", ", parts) + ".";
    }
}
