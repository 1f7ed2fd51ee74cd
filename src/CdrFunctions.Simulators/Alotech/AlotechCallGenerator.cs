using System.Collections.Concurrent;
using CdrFunctions.Simulators.Common;

namespace CdrFunctions.Simulators.Alotech;

/// <summary>
/// Deterministic calls for any time range. Time is cut into one-minute UTC slots; a slot's call count is
/// Poisson(CallsPerHour / 60) drawn from hash(seed, slot), and each call from hash(seed, slot, index), so
/// any range can be generated without generating what lies before it.
/// </summary>
internal sealed class AlotechCallGenerator
{
    private const int MinutesPerDay = 1440;
    private const int MaxCachedDays = 1024;

    private readonly long _seed;
    private readonly double _callsPerMinute;
    private readonly int _quirkEvery;
    private readonly AlotechCallFactory _factory;
    private readonly AlotechTenantClock _clock;
    private readonly ConcurrentDictionary<long, int[]> _dayPrefixes = new();

    public AlotechCallGenerator(long seed, double callsPerHour, int quirkEvery, TimeZoneInfo zone)
    {
        _seed = seed;
        _callsPerMinute = callsPerHour / 60;
        _quirkEvery = quirkEvery;
        _clock = new AlotechTenantClock(zone);
        _factory = new AlotechCallFactory(seed, _clock);
    }

    /// <summary>
    /// Calls whose LOCAL calldate is in [startLocal, finishLocal], both ends inclusive, sorted. The real
    /// API's end semantics are undocumented; serving a record at exactly finishdate forces clients to
    /// cope with it (e.g. by dropping records outside their own [from, to) window).
    /// </summary>
    public List<CallRef> RefsForLocalRange(DateTime startLocal, DateTime finishLocal, bool ascending)
    {
        var (from, to) = _clock.CandidateUnixRange(startLocal, finishLocal);
        var refs = RefsBetween(from, to)
            .Where(reference =>
            {
                var local = _clock.ToLocal(DateTimeOffset.FromUnixTimeSeconds(reference.UnixSeconds));
                return local >= startLocal && local <= finishLocal;
            })
            .ToList();
        refs.Sort(ascending ? CallRef.CompareAscending : CallRef.CompareDescending);
        return refs;
    }

    /// <summary>Second-of-minute of each call in the slot, ascending (index order is time order).</summary>
    public int[] OffsetsInSlot(long slot)
    {
        var count = CountInSlot(slot);
        if (count == 0)
        {
            return [];
        }

        var random = new StableRandom(StableHash.Of(_seed, slot, Salts.SlotOffsets));
        var offsets = new int[count];
        for (var i = 0; i < count; i++)
        {
            offsets[i] = random.Next(60);
        }

        Array.Sort(offsets);
        if (slot % 60 == 0)
        {
            // A call at hh:00:00 sits exactly on a window boundary: the case connectors get wrong.
            offsets[0] = 0;
        }

        return offsets;
    }

    /// <summary>References of calls with start in [fromUnixSeconds, toUnixSecondsExclusive), in generation order.</summary>
    public IEnumerable<CallRef> RefsBetween(long fromUnixSeconds, long toUnixSecondsExclusive)
    {
        if (toUnixSecondsExclusive <= fromUnixSeconds)
        {
            yield break;
        }

        var lastSlot = Math.Min(Math.DivRem(toUnixSecondsExclusive - 1, 60).Quotient, AlotechKeys.MaxSlot);
        for (var slot = Math.Max(Math.DivRem(fromUnixSeconds, 60).Quotient, 0); slot <= lastSlot; slot++)
        {
            var offsets = OffsetsInSlot(slot);
            for (var index = 0; index < offsets.Length; index++)
            {
                var second = slot * 60 + offsets[index];
                if (second >= fromUnixSeconds && second < toUnixSecondsExclusive)
                {
                    yield return new CallRef(slot, index, second);
                }
            }
        }
    }

    public SimulatedAlotechCall Create(CallRef reference) => _factory.Create(reference, QuirkOf(reference));

    /// <summary>All calls (valid and malformed) with start in [fromUtc, toUtc), chronological.</summary>
    public IReadOnlyList<SimulatedAlotechCall> CallsBetween(DateTimeOffset fromUtc, DateTimeOffset toUtc)
    {
        // Sub-second bounds round up, matching the [from, to) meaning for whole-second call dates.
        var from = CeilingUnixSeconds(fromUtc);
        var to = CeilingUnixSeconds(toUtc);
        var refs = RefsBetween(from, to).ToList();
        refs.Sort(CallRef.CompareAscending);
        return refs.ConvertAll(Create);
    }

    /// <summary>The call with exactly this key, or null.</summary>
    public SimulatedAlotechCall? FindByKey(string key)
    {
        if (!AlotechKeys.TryParse(key, out var slot, out var index) || slot > AlotechKeys.MaxSlot)
        {
            return null;
        }

        var offsets = OffsetsInSlot(slot);
        if (index >= offsets.Length)
        {
            return null;
        }

        var call = Create(new CallRef(slot, index, slot * 60 + offsets[index]));
        return string.Equals(call.Key, key, StringComparison.Ordinal) ? call : null;
    }

    private int CountInSlot(long slot)
    {
        if (slot < 0 || slot > AlotechKeys.MaxSlot || _callsPerMinute <= 0)
        {
            return 0;
        }

        var count = Poisson(StableHash.ToUnit(StableHash.Of(_seed, slot, Salts.SlotCount)), _callsPerMinute);
        // Every hour starts with a call at hh:00:00 (see OffsetsInSlot), so hourly window edges are always exercised.
        return slot % 60 == 0 ? Math.Max(count, 1) : count;
    }

    /// <summary>
    /// Every Nth call counted from the start of its UTC day gets the next quirk in rotation. Counting per
    /// day (not since the epoch) keeps it cheap for any range while still exact within a day.
    /// </summary>
    private AlotechCallQuirk QuirkOf(CallRef reference)
    {
        if (_quirkEvery <= 0)
        {
            return AlotechCallQuirk.None;
        }

        var (day, minute) = Math.DivRem(reference.Slot, MinutesPerDay);
        var ordinal = DayPrefix(day)[minute] + reference.Index + 1;
        if (ordinal % _quirkEvery != 0)
        {
            return AlotechCallQuirk.None;
        }

        return (((ordinal / _quirkEvery) - 1) % 4) switch
        {
            0 => AlotechCallQuirk.MissingKey,
            1 => AlotechCallQuirk.InvalidCallDate,
            2 => AlotechCallQuirk.WrongTypeAnswered,
            _ => AlotechCallQuirk.UnusualKey,
        };
    }

    /// <summary>prefix[m] = calls in the day's slots before minute m.</summary>
    private int[] DayPrefix(long day)
    {
        if (_dayPrefixes.TryGetValue(day, out var cached))
        {
            return cached;
        }

        var prefix = new int[MinutesPerDay];
        for (var minute = 1; minute < MinutesPerDay; minute++)
        {
            prefix[minute] = prefix[minute - 1] + CountInSlot(day * MinutesPerDay + minute - 1);
        }

        if (_dayPrefixes.Count >= MaxCachedDays)
        {
            _dayPrefixes.Clear();
        }

        _dayPrefixes[day] = prefix;
        return prefix;
    }

    /// <summary>Inverse-CDF Poisson draw, capped at the 99 calls a two-digit key index allows.</summary>
    private static int Poisson(double uniform, double mean)
    {
        if (mean <= 0)
        {
            return 0;
        }

        var k = 0;
        var probability = Math.Exp(-mean);
        var cumulative = probability;
        while (uniform > cumulative && k < AlotechKeys.MaxCallsPerSlot)
        {
            k++;
            probability *= mean / k;
            cumulative += probability;
        }

        return k;
    }

    private static long CeilingUnixSeconds(DateTimeOffset value)
    {
        var ticks = value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var (seconds, remainder) = Math.DivRem(ticks, TimeSpan.TicksPerSecond);
        return remainder > 0 ? seconds + 1 : seconds;
    }
}
