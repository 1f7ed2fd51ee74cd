using System.Globalization;
using CdrFunctions.Simulators.Common;

namespace CdrFunctions.Simulators.DeepCall;

/// <summary>
/// A simulated DeepCall account independent of hosting: options, deterministic calls, faults and the request
/// log. Calls are generated per UTC hour from the seed, so any range can be asked for and answered the same way.
/// </summary>
public sealed class DeepCallSimulatorState : SimulatorState<DeepCallFault, DeepCallRequestLog>
{
    private static readonly string[] CallTypes = ["IBD", "IBD", "OBD", "CTC"];

    public DeepCallSimulatorState(DeepCallSimulatorOptions options)
        : base(options, options?.Seed ?? 0)
    {
        Options = options!.Clone();
        if (string.IsNullOrEmpty(Options.Token) || string.IsNullOrEmpty(Options.UserId))
        {
            throw new ArgumentException("UserId and Token must not be empty.", nameof(options));
        }
        if (Options.CallsPerHour is < 0 or > 5000 || Options.MaxPageSize < 1)
        {
            throw new ArgumentException("CallsPerHour must be 0..5000 and MaxPageSize positive.", nameof(options));
        }
    }

    public DeepCallSimulatorOptions Options { get; }

    /// <summary>Ground truth: calls starting in [fromUtc, toUtc), chronological.</summary>
    public IReadOnlyList<SimulatedDeepCall> ValidCallsBetween(DateTimeOffset fromUtc, DateTimeOffset toUtc) =>
        Between(fromUtc, toUtc, inclusiveEnd: false);

    internal List<SimulatedDeepCall> Between(DateTimeOffset fromUtc, DateTimeOffset toUtc, bool inclusiveEnd)
    {
        var calls = new List<SimulatedDeepCall>();
        for (var hour = HourIndex(fromUtc); hour <= HourIndex(toUtc); hour++)
        {
            calls.AddRange(Hour(hour).Where(c => c.StartUtc >= fromUtc && (inclusiveEnd ? c.StartUtc <= toUtc : c.StartUtc < toUtc)));
        }
        return calls;
    }

    /// <summary>The call with this <c>clId</c>, or null.</summary>
    public SimulatedDeepCall? FindCall(string clId)
    {
        ArgumentNullException.ThrowIfNull(clId);
        // Ids read "dc{hour:x}t{ordinal:x}r{random}", so the hour is regenerated, not searched for.
        var t = clId.IndexOf('t', StringComparison.Ordinal);
        return clId.StartsWith("dc", StringComparison.Ordinal) && t > 2
            && long.TryParse(clId.AsSpan(2, t - 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hour) && hour is >= 0 and < 2_000_000
            ? Hour(hour).FirstOrDefault(c => c.ClId == clId)
            : null;
    }

    private static long HourIndex(DateTimeOffset utc) => (long)Math.Floor((utc.UtcDateTime - DateTime.UnixEpoch).TotalHours);

    private List<SimulatedDeepCall> Hour(long hour)
    {
        var random = new StableRandom(StableHash.Of(Options.Seed, hour));
        var start = new DateTimeOffset(DateTime.UnixEpoch.AddHours(hour), TimeSpan.Zero);
        var calls = new List<SimulatedDeepCall>(Options.CallsPerHour);
        for (var i = 0; i < Options.CallsPerHour; i++)
        {
            var at = start.AddSeconds(random.Next(3600));
            var type = random.Pick(CallTypes);
            var customer = "9" + random.Next(6, 10).ToString(CultureInfo.InvariantCulture) + random.Digits(8);
            var answered = random.Chance(0.75);
            var queue = random.Next(0, 60);
            var talk = answered ? random.Next(5, 900) : 0;
            var agent = answered ? random.Next(1, 60) : 0;
            var id = string.Create(CultureInfo.InvariantCulture, $"dc{hour:x}t{i:x}r{random.Hex(12)}");
            var local = TimeZoneInfo.ConvertTime(at.AddSeconds(queue), TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata")).DateTime;
            var recording = answered
                ? string.Create(CultureInfo.InvariantCulture, $"simssid*mp3*{Options.UserId}*{local:yyyy}*{local:MM}*{local:dd}*{id}_91{customer}_{local:yyyy-MM-dd-HH-mm-ss}_{type}.mp3")
                : null;
            calls.Add(new SimulatedDeepCall(id, at, type, customer, answered, queue, talk, agent, recording));
        }
        calls.Sort((a, b) => a.StartUtc.CompareTo(b.StartUtc));
        return calls;
    }
}
