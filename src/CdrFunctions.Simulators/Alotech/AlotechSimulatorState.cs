using CdrFunctions.Simulators.Common;
using Microsoft.AspNetCore.Http;

namespace CdrFunctions.Simulators.Alotech;

/// <summary>
/// Everything a simulated tenant is, independent of hosting: options, generated calls, faults and the
/// request log. <see cref="AlotechSimulator"/> hosts it on its own Kestrel; other apps can map it too.
/// </summary>
public sealed class AlotechSimulatorState
{
    private const int MaxPageSize = 10_000;
    private const double MaxCallsPerHour = 5_000;

    private readonly Lock _logGate = new();
    private readonly List<AlotechRequestLog> _log = [];
    private readonly TimeProvider _time;

    public AlotechSimulatorState(AlotechSimulatorOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Clone();
        Validate(Options);
        try
        {
            TimeZone = TimeZoneInfo.FindSystemTimeZoneById(Options.TimeZone);
        }
        catch (TimeZoneNotFoundException exception)
        {
            throw new ArgumentException($"Unknown time zone '{Options.TimeZone}'.", nameof(options), exception);
        }

        _time = timeProvider ?? TimeProvider.System;
        Faults = new AlotechFaults(Options.Seed);
        Generator = new AlotechCallGenerator(Options.Seed, Options.CallsPerHour, Options.MalformedEvery, TimeZone);
        Cursors = new AlotechCursorCodec(Options.Seed);
        Pacing = new RequestPacer { RateLimit = Options.RateLimit, RateLimitPeriod = Options.RateLimitPeriod, Latency = Options.Latency };
    }

    /// <summary>The API's rate limit and latency (from the options; adjustable while running).</summary>
    public RequestPacer Pacing { get; }

    /// <summary>A copy taken at construction: later changes to the caller's instance have no effect.</summary>
    public AlotechSimulatorOptions Options { get; }

    public TimeZoneInfo TimeZone { get; }

    public AlotechFaults Faults { get; }

    /// <summary>Snapshot of every request received so far, oldest first.</summary>
    public IReadOnlyList<AlotechRequestLog> Requests
    {
        get { lock (_logGate) { return _log.ToArray(); } }
    }

    internal AlotechCallGenerator Generator { get; }

    internal AlotechCursorCodec Cursors { get; }

    public void ClearRequests()
    {
        lock (_logGate) { _log.Clear(); }
    }

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
    public SimulatedAlotechCall? FindCall(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Generator.FindByKey(key);
    }

    internal DateTimeOffset UtcNow() => _time.GetUtcNow();

    internal void Record(HttpContext context, DateTimeOffset receivedAt, int statusCode, AlotechFault? fault)
    {
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in context.Request.Query)
        {
            // The token is a secret: logs and test output must never carry it.
            query[name] = name == "app_token" ? "***" : values.ToString();
        }

        var entry = new AlotechRequestLog(
            receivedAt,
            context.Request.Method,
            context.Request.PathBase.Add(context.Request.Path).Value ?? "/",
            query,
            statusCode,
            fault);
        lock (_logGate) { _log.Add(entry); }
    }

    private static void Validate(AlotechSimulatorOptions options)
    {
        if (string.IsNullOrEmpty(options.AppToken))
        {
            throw new ArgumentException("AppToken must not be empty.", nameof(options));
        }

        if (!double.IsFinite(options.CallsPerHour) || options.CallsPerHour < 0 || options.CallsPerHour > MaxCallsPerHour)
        {
            throw new ArgumentException($"CallsPerHour must be between 0 and {MaxCallsPerHour}.", nameof(options));
        }

        if (options.MalformedEvery < 0)
        {
            throw new ArgumentException("MalformedEvery must be 0 (off) or positive.", nameof(options));
        }

        if (options.PageSize is < 1 or > MaxPageSize)
        {
            throw new ArgumentException($"PageSize must be between 1 and {MaxPageSize}.", nameof(options));
        }
    }
}
