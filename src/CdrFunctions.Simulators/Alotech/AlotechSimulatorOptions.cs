using CdrFunctions.Simulators.Common;

namespace CdrFunctions.Simulators.Alotech;

/// <summary>Settings of a simulated Alotech tenant.</summary>
public sealed class AlotechSimulatorOptions : SimulatorOptions
{
    /// <summary>The only <c>app_token</c> the simulator accepts.</summary>
    public string AppToken { get; set; } = "sim-alotech-token";

    /// <summary>Seed of all generated data and random faults.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>IANA zone of the tenant; request and record dates are local times in this zone.</summary>
    public string TimeZone { get; set; } = "Europe/Istanbul";

    /// <summary>
    /// Calls per hour (0..5000), spread over its minutes; every hour has one at exactly hh:00:00 (when above 0),
    /// so window boundaries are always exercised.
    /// </summary>
    public double CallsPerHour { get; set; } = 120;

    /// <summary>0 = off; otherwise about one call in N (drawn from the seed) gets a quirk, see <see cref="AlotechCallQuirk"/>.</summary>
    public int MalformedEvery { get; set; }

    /// <summary>Records per response; the real API serves at most 100.</summary>
    public int PageSize { get; set; } = 100;

    internal AlotechSimulatorOptions Clone() => (AlotechSimulatorOptions)MemberwiseClone();
}
