using CdrFunctions.Pipeline.Time;

namespace CdrFunctions.Tests.Core.Time;

public class VendorClockTests
{
    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi = 0) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    [Fact]
    public void Istanbul_is_utc_plus_three_all_year()
    {
        var clock = VendorClock.ForZone("Europe/Istanbul");
        Assert.Equal(Utc(2025, 11, 22, 10, 43), clock.ToUtc(new DateTime(2025, 11, 22, 13, 43, 0)));
        Assert.Equal(Utc(2025, 7, 1, 9), clock.ToUtc(new DateTime(2025, 7, 1, 12, 0, 0)));
    }

    [Fact]
    public void A_time_in_the_spring_gap_moves_forward_by_the_gap()
    {
        // New York, 2026-03-08: 02:00 EST jumps to 03:00 EDT; 02:30 never happens on the wall clock.
        var clock = VendorClock.ForZone("America/New_York");
        Assert.Equal(Utc(2026, 3, 8, 7, 30), clock.ToUtc(new DateTime(2026, 3, 8, 2, 30, 0)));
        Assert.Equal(Utc(2026, 3, 8, 7, 0), clock.ToUtc(new DateTime(2026, 3, 8, 3, 0, 0)));
        Assert.Equal(Utc(2026, 3, 8, 6, 59), clock.ToUtc(new DateTime(2026, 3, 8, 1, 59, 0)));
    }

    [Fact]
    public void A_time_in_the_autumn_overlap_takes_the_first_occurrence()
    {
        // New York, 2026-11-01: 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST).
        var clock = VendorClock.ForZone("America/New_York");
        Assert.Equal(Utc(2026, 11, 1, 5, 30), clock.ToUtc(new DateTime(2026, 11, 1, 1, 30, 0)));
        Assert.Equal(Utc(2026, 11, 1, 7, 0), clock.ToUtc(new DateTime(2026, 11, 1, 2, 0, 0)));
    }

    [Fact]
    public void Window_bounds_round_trip_through_local_time()
    {
        var clock = VendorClock.ForZone("Europe/Istanbul");
        Assert.Equal("2026-11-22 13:00:00", clock.FormatLocal(Utc(2026, 11, 22, 10), "yyyy-MM-dd HH:mm:ss"));
    }

    [Fact]
    public async Task A_clock_shared_by_concurrent_parsers_gives_each_minute_its_own_offset()
    {
        // The week of New York's autumn change, every minute, converted from four threads at once on one clock.
        var start = new DateTime(2026, 10, 29, 0, 0, 0);
        var minutes = Enumerable.Range(0, 7 * 24 * 60).Select(m => start.AddMinutes(m).AddSeconds(m % 60)).ToArray();
        var expected = minutes.Select(m => VendorClock.ForZone("America/New_York").ToUtc(m)).ToArray();
        var shared = VendorClock.ForZone("America/New_York");
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
            (t % 2 == 0 ? minutes : minutes.Reverse()).Select(m => (m, shared.ToUtc(m))).ToDictionary())));
        foreach (var result in results)
        {
            Assert.Equal(expected, minutes.Select(m => result[m]));
        }
    }

    [Fact]
    public void Unknown_zones_are_a_clear_error()
    {
        var e = Assert.Throws<ArgumentException>(() => VendorClock.ForZone("Mars/Olympus_Mons"));
        Assert.Contains("Mars/Olympus_Mons", e.Message);
    }
}
