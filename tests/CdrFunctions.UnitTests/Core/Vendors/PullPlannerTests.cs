using CdrFunctions.Pipeline.Vendors;

namespace CdrFunctions.Tests.Core.Vendors;

/// <summary>The scheduled run's window plan, from schedule, checkpoint and clock alone (no storage, no vendor).</summary>
public class PullPlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 7, 0, TimeSpan.Zero);

    private static DateTimeOffset At(int hour, int minute = 0) => new(2026, 11, 22, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public void Lookback_windows_are_repulled_then_new_windows_up_to_now_minus_the_settle_delay()
    {
        var plan = PullPlanner.Plan(new PullSchedule(), watermark: At(9), Now);
        // Lookback 2 h before 09:00; new windows until floor(12:07 - 15 min) = 11:00.
        Assert.Equal(
            [(At(7), true), (At(8), true), (At(9), false), (At(10), false)],
            plan.Select(p => (p.Window.Start, p.Repull)));
        Assert.All(plan, p => Assert.Equal(TimeSpan.FromHours(1), p.Window.Length));
    }

    [Fact]
    public void A_window_still_settling_is_not_pulled_and_a_caught_up_vendor_only_repulls()
    {
        var settling = PullPlanner.Plan(new PullSchedule { SettleDelay = TimeSpan.FromMinutes(8) }, At(11), Now);
        Assert.DoesNotContain(settling, p => !p.Repull); // 11:00-12:00 ends after 12:07 - 8 min
        Assert.Equal([At(9), At(10)], settling.Select(p => p.Window.Start));
    }

    [Fact]
    public void New_windows_are_capped_per_run_and_lookback_stops_at_StartFrom()
    {
        var schedule = new PullSchedule { MaxWindowsPerRun = 3, StartFrom = At(0, 30) };
        var plan = PullPlanner.Plan(schedule, watermark: At(1), Now);
        Assert.Equal([(At(0), true), (At(1), false), (At(2), false), (At(3), false)], plan.Select(p => (p.Window.Start, p.Repull)));
    }

    [Fact]
    public void The_grid_follows_the_window_size_and_the_first_run_starts_a_day_back_or_at_StartFrom()
    {
        var quarter = new PullSchedule { WindowSize = TimeSpan.FromMinutes(15), Lookback = TimeSpan.Zero, SettleDelay = TimeSpan.Zero };
        Assert.Equal([At(11, 30), At(11, 45)], PullPlanner.Plan(quarter, At(11, 37), Now).Select(p => p.Window.Start));
        Assert.Equal(Now.AddDays(-1).AddMinutes(-7), PullPlanner.InitialWatermark(new PullSchedule(), Now));
        Assert.Equal(At(3), PullPlanner.InitialWatermark(new PullSchedule { StartFrom = new DateTimeOffset(2026, 11, 22, 6, 20, 0, TimeSpan.FromHours(3)) }, Now));
    }
}
