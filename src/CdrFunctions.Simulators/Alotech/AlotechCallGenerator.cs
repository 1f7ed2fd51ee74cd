using System.Globalization;
using CdrFunctions.Simulators.Common;

namespace CdrFunctions.Simulators.Alotech;

/// <summary>A generated call before it becomes a record: the hour, its index in the hour (time order) and its start.</summary>
internal readonly record struct CallRef(long Hour, int Index, long UnixSeconds);

/// <summary>
/// Deterministic calls for any time range, generated per UTC hour from the seed: each minute gets
/// CallsPerHour / 60 calls (the fraction as a chance), and every hour one at exactly hh:00:00, so window
/// boundaries are always exercised. Ranges are filtered and paged on <see cref="CallRef"/>s; only the page
/// served becomes full records.
/// </summary>
internal sealed class AlotechCallGenerator(int seed, double callsPerHour, int quirkEvery, TimeZoneInfo zone)
{
    /// <summary>Keys hold the hour in 7 digits (until the year 3110).</summary>
    private const long MaxHour = 9_999_999;
    private const long SecondsSalt = 0x5107FF;
    private const long QuirkSalt = 0x0B1CC5;
    private const long KeySalt = 0xC4EC;

    private readonly AlotechCallFactory _factory = new(seed, zone);

    /// <summary>
    /// Calls whose LOCAL calldate is in [startLocal, finishLocal], both ends inclusive, sorted by calldate (ties
    /// in key order either way). The real API's end semantics are undocumented; serving a record at exactly
    /// finishdate forces clients to cope with it (e.g. by dropping records outside their own [from, to) window).
    /// </summary>
    public List<CallRef> RefsForLocalRange(DateTime startLocal, DateTime finishLocal, bool ascending)
    {
        // Around a DST change local times repeat or are skipped: take the widest offsets near each end, then filter.
        var from = AsUnixSeconds(startLocal) - (long)Offsets(startLocal).Max().TotalSeconds;
        var to = AsUnixSeconds(finishLocal) - (long)Offsets(finishLocal).Min().TotalSeconds + 1;
        var refs = RefsBetween(from, to).Where(r => ToLocal(r.UnixSeconds) >= startLocal && ToLocal(r.UnixSeconds) <= finishLocal).ToList();
        // Calls of the same second are of the same hour, in index order.
        refs.Sort((a, b) => a.UnixSeconds == b.UnixSeconds ? a.Index.CompareTo(b.Index) : (ascending ? 1 : -1) * a.UnixSeconds.CompareTo(b.UnixSeconds));
        return refs;
    }

    /// <summary>All calls (valid and malformed) with start in [fromUtc, toUtc), chronological.</summary>
    public IReadOnlyList<SimulatedAlotechCall> CallsBetween(DateTimeOffset fromUtc, DateTimeOffset toUtc) =>
        // Sub-second bounds round up, matching the [from, to) meaning for whole-second call dates.
        RefsBetween(CeilingUnixSeconds(fromUtc), CeilingUnixSeconds(toUtc)).Select(Create).ToList();

    /// <summary>The call with exactly this key, or null.</summary>
    public SimulatedAlotechCall? FindByKey(string key)
    {
        if (key.Length < 15 || key.AsSpan(0, 15).ContainsAnyExceptInRange('0', '9'))
        {
            return null;
        }
        var hour = long.Parse(key.AsSpan(0, 7), NumberStyles.None, CultureInfo.InvariantCulture);
        var index = int.Parse(key.AsSpan(7, 4), NumberStyles.None, CultureInfo.InvariantCulture);
        var seconds = SecondsOfHour(hour);
        var call = index < seconds.Length ? Create(new CallRef(hour, index, (hour * 3600) + seconds[index])) : null;
        return call?.Key == key ? call : null;
    }

    public SimulatedAlotechCall Create(CallRef call)
    {
        // About one call in quirkEvery gets a quirk, the four kinds in turn.
        var draw = StableHash.Of(seed, call.Hour, call.Index, QuirkSalt);
        var quirk = quirkEvery > 0 && draw % (ulong)quirkEvery == 0 ? (AlotechCallQuirk)(1 + (int)(draw / (ulong)quirkEvery % 4)) : AlotechCallQuirk.None;
        // Digits only: hour, index in the hour, and check digits so that guessed keys miss.
        var key = string.Create(CultureInfo.InvariantCulture, $"{call.Hour:D7}{call.Index:D4}{StableHash.Of(seed, call.Hour, call.Index, KeySalt) % 10_000:D4}");
        return _factory.Create(call, quirk == AlotechCallQuirk.UnusualKey ? key + AlotechCallFactory.UnusualKeySuffix : key, quirk);
    }

    /// <summary>Calls with start in [fromUnixSeconds, toUnixSeconds), chronological.</summary>
    private IEnumerable<CallRef> RefsBetween(long fromUnixSeconds, long toUnixSeconds)
    {
        if (toUnixSeconds <= fromUnixSeconds)
        {
            yield break;
        }
        for (var hour = Math.Max(0, fromUnixSeconds / 3600); hour <= Math.Min(MaxHour, (toUnixSeconds - 1) / 3600); hour++)
        {
            var seconds = SecondsOfHour(hour);
            for (var index = 0; index < seconds.Length; index++)
            {
                var at = (hour * 3600) + seconds[index];
                if (at >= fromUnixSeconds && at < toUnixSeconds)
                {
                    yield return new CallRef(hour, index, at);
                }
            }
        }
    }

    /// <summary>Second of the hour of each of its calls, ascending.</summary>
    private int[] SecondsOfHour(long hour)
    {
        if (callsPerHour <= 0 || hour is < 0 or > MaxHour)
        {
            return [];
        }
        var random = new StableRandom(StableHash.Of(seed, hour, SecondsSalt));
        var perMinute = callsPerHour / 60;
        var seconds = new List<int>((int)callsPerHour + 60);
        for (var minute = 0; minute < 60; minute++)
        {
            for (var i = (int)perMinute + (random.Chance(perMinute - (int)perMinute) ? 1 : 0); i > 0; i--)
            {
                seconds.Add((minute * 60) + random.Next(60));
            }
        }
        seconds.Sort();
        // A call at hh:00:00 sits exactly on a window boundary: the case connectors get wrong.
        if (seconds.Count == 0)
        {
            seconds.Add(0);
        }
        seconds[0] = 0;
        return [.. seconds];
    }

    private DateTime ToLocal(long unixSeconds) => TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeSeconds(unixSeconds), zone).DateTime;

    /// <summary>The zone's offsets a day either side of a wall-clock time (offsets change at most once in that span).</summary>
    private TimeSpan[] Offsets(DateTime local) => [.. new[] { -1, 0, 1 }.Select(days => zone.GetUtcOffset(local.AddDays(days)))];

    /// <summary>The wall-clock reading taken as if it were UTC.</summary>
    private static long AsUnixSeconds(DateTime local) => new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), TimeSpan.Zero).ToUnixTimeSeconds();

    private static long CeilingUnixSeconds(DateTimeOffset value)
    {
        var (seconds, remainder) = Math.DivRem(value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks, TimeSpan.TicksPerSecond);
        return remainder > 0 ? seconds + 1 : seconds;
    }
}
