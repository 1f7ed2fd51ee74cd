using System.Globalization;

namespace CdrFunctions.Pipeline.Time;

/// <summary>
/// Converts between UTC and a vendor's wall clock. Local times that do not exist (the spring-forward gap)
/// are moved forward by the gap; local times that exist twice (the fall-back overlap) take the first
/// occurrence, the one with the larger UTC offset. Both rules are deterministic and match java.time.
/// </summary>
public sealed class VendorClock
{
    /// <summary>Two months of minutes: a backfill's windows, yet bounded.</summary>
    private const int MaxCachedMinutes = 90_000;

    // Local minute → ticks to subtract for UTC. Parsers of concurrent windows may share a clock.
    // A Dictionary under a System.Threading.Lock: profiled, ConcurrentDictionary's TryAdd went through
    // Monitor's slow path on every new minute and took a sixth of an Engage Voice parse.
    private readonly Dictionary<long, long> _offsets = [];
    private readonly Lock _gate = new();

    public VendorClock(TimeZoneInfo zone) => Zone = zone;

    public TimeZoneInfo Zone { get; }

    public static VendorClock ForZone(string ianaId) => new(FindZone(ianaId));

    public static TimeZoneInfo FindZone(string ianaId)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(ianaId);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ArgumentException($"Unknown time zone '{ianaId}': use an IANA id such as Europe/Istanbul.", nameof(ianaId), e);
        }
    }

    public static bool IsKnownZone(string? ianaId) =>
        !string.IsNullOrWhiteSpace(ianaId) && TimeZoneInfo.TryFindSystemTimeZoneById(ianaId, out _);

    public DateTimeOffset ToUtc(DateTime local)
    {
        // Zone rules change on whole minutes, so every time of a local minute shares one offset; a window's
        // calls repeat a few hundred minutes, and the zone lookups below cost more than the rest of a record.
        var minute = local.Ticks / TimeSpan.TicksPerMinute;
        long offset;
        bool known;
        lock (_gate)
        {
            known = _offsets.TryGetValue(minute, out offset);
        }
        if (!known)
        {
            var start = new DateTime(minute * TimeSpan.TicksPerMinute, DateTimeKind.Unspecified);
            offset = (start - ToUtcUncached(start).UtcDateTime).Ticks;
            lock (_gate)
            {
                if (_offsets.Count >= MaxCachedMinutes)
                {
                    _offsets.Clear();
                }
                _offsets[minute] = offset;
            }
        }
        return new DateTimeOffset(local.Ticks - offset, TimeSpan.Zero);
    }

    private DateTimeOffset ToUtcUncached(DateTime local)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (Zone.IsInvalidTime(local))
        {
            // In the gap: the wall clock jumped over this time; the offset before the jump applies.
            var before = Zone.GetUtcOffset(local.AddHours(-6));
            return new DateTimeOffset(local - before, TimeSpan.Zero);
        }
        if (Zone.IsAmbiguousTime(local))
        {
            var offsets = Zone.GetAmbiguousTimeOffsets(local);
            var first = offsets.Max();
            return new DateTimeOffset(local - first, TimeSpan.Zero);
        }
        return new DateTimeOffset(local - Zone.GetUtcOffset(local), TimeSpan.Zero);
    }

    public DateTime ToLocal(DateTimeOffset utc) => TimeZoneInfo.ConvertTime(utc, Zone).DateTime;

    public string FormatLocal(DateTimeOffset utc, string format) =>
        ToLocal(utc).ToString(format, CultureInfo.InvariantCulture);
}
