namespace CdrFunctions.Simulators.Alotech;

/// <summary>Settings of a simulated Alotech tenant.</summary>
public sealed class AlotechSimulatorOptions
{
    /// <summary>The only <c>app_token</c> the simulator accepts.</summary>
    public string AppToken { get; set; } = "sim-alotech-token";

    /// <summary>Seed of all generated data, cursors and random faults.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>IANA zone of the tenant; request and record dates are local times in this zone.</summary>
    public string TimeZone { get; set; } = "Europe/Istanbul";

    /// <summary>
    /// Average calls per hour (0..5000); each minute slot's count is Poisson-distributed, except that every
    /// hour has at least one call at exactly hh:00:00 (when above 0), so window boundaries are always exercised.
    /// </summary>
    public double CallsPerHour { get; set; } = 120;

    /// <summary>0 = off; otherwise every Nth generated call (counted per UTC day) gets a quirk, see <see cref="AlotechCallQuirk"/>.</summary>
    public int MalformedEvery { get; set; }

    /// <summary>Records per response; the real API serves at most 100.</summary>
    public int PageSize { get; set; } = 100;

    /// <summary>Requests the simulated API answers per <see cref="RateLimitPeriod"/>; beyond that 429 with Retry-After. 0 = no limit.</summary>
    public int RateLimit { get; set; }

    public TimeSpan RateLimitPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Added to every API answer (a distant vendor's round trip).</summary>
    public TimeSpan Latency { get; set; }

    internal AlotechSimulatorOptions Clone() => (AlotechSimulatorOptions)MemberwiseClone();
}
