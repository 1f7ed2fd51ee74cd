using CdrFunctions.Simulators.Common;

namespace CdrFunctions.Simulators.Alotech;

/// <summary>
/// Everything a simulated tenant is, independent of hosting: options, generated calls, faults and the
/// request log.
/// </summary>
public sealed class AlotechSimulatorState : SimulatorState<AlotechFault, AlotechRequestLog>
{
    public AlotechSimulatorState(AlotechSimulatorOptions options)
        : base(options, options?.Seed ?? 0)
    {
        Options = options!.Clone();
        if (string.IsNullOrEmpty(Options.AppToken))
        {
            throw new ArgumentException("AppToken must not be empty.", nameof(options));
        }
        if (!(Options.CallsPerHour is >= 0 and <= 5_000) || Options.MalformedEvery < 0 || Options.PageSize is < 1 or > 10_000)
        {
            throw new ArgumentException("CallsPerHour must be 0..5000, MalformedEvery 0 (off) or positive, PageSize 1..10000.", nameof(options));
        }
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(Options.TimeZone, out var zone))
        {
            throw new ArgumentException($"Unknown time zone '{Options.TimeZone}'.", nameof(options));
        }
        TimeZone = zone;
        Generator = new AlotechCallGenerator(Options.Seed, Options.CallsPerHour, Options.MalformedEvery, TimeZone);
    }

    /// <summary>A copy taken at construction: later changes to the caller's instance have no effect.</summary>
    public AlotechSimulatorOptions Options { get; }

    public TimeZoneInfo TimeZone { get; }

    internal AlotechCallGenerator Generator { get; }

    /// <summary>Every generated call (valid or malformed) with calldate in [fromUtc, toUtc), chronological.</summary>
    public IReadOnlyList<SimulatedAlotechCall> CallsBetween(DateTimeOffset fromUtc, DateTimeOffset toUtc) =>
        Generator.CallsBetween(fromUtc, toUtc);

    /// <summary>Ground truth: calls a correct client must land for [fromUtc, toUtc).</summary>
    public IReadOnlyList<SimulatedAlotechCall> ValidCallsBetween(DateTimeOffset fromUtc, DateTimeOffset toUtc) =>
        CallsBetween(fromUtc, toUtc).Where(call => !call.IsMalformed).ToList();

    /// <summary>Ground truth: served records in [fromUtc, toUtc) that a correct client must reject.</summary>
    public IReadOnlyList<SimulatedAlotechCall> MalformedCallsBetween(DateTimeOffset fromUtc, DateTimeOffset toUtc) =>
        CallsBetween(fromUtc, toUtc).Where(call => call.IsMalformed).ToList();

    /// <summary>The call served for <c>callkey=<paramref name="key"/></c>, or null.</summary>
    public SimulatedAlotechCall? FindCall(string key) => Generator.FindByKey(key ?? throw new ArgumentNullException(nameof(key)));
}
