using CdrFunctions.Pipeline.Time;

namespace CdrFunctions.Pipeline.Vendors;

/// <summary>
/// Which windows a scheduled run pulls, from the schedule, the checkpoint and the clock alone: no storage, no
/// vendor, so every edge (lookback, settle delay, the per-run cap, StartFrom) is unit-tested on its own.
/// </summary>
public static class PullPlanner
{
    /// <summary>Where a vendor without a checkpoint starts: <c>StartFrom</c>, else one day before now, on the grid.</summary>
    public static DateTimeOffset InitialWatermark(PullSchedule schedule, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return new WindowGrid(schedule.WindowSize).Floor(schedule.StartFrom?.ToUniversalTime() ?? now.AddDays(-1));
    }

    /// <summary>
    /// The lookback windows before <paramref name="watermark"/> that have settled (re-pulls: late or changed
    /// calls), then new windows up to <c>now − SettleDelay</c>, at most <c>MaxWindowsPerRun</c> of them; in order.
    /// </summary>
    public static IReadOnlyList<(TimeWindow Window, bool Repull)> Plan(PullSchedule schedule, DateTimeOffset watermark, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var grid = new WindowGrid(schedule.WindowSize);
        watermark = grid.Floor(watermark);
        var end = grid.Floor(now - schedule.SettleDelay);
        var lookbackStart = grid.Floor(watermark - schedule.Lookback);
        if (schedule.StartFrom is { } startFrom && lookbackStart < grid.Floor(startFrom.ToUniversalTime()))
        {
            lookbackStart = grid.Floor(startFrom.ToUniversalTime());
        }
        var repulls = grid.Cover(lookbackStart, watermark).Where(w => w.End <= end).Select(w => (w, true));
        var fresh = watermark < end ? grid.Cover(watermark, end).Take(schedule.MaxWindowsPerRun).Select(w => (w, false)) : [];
        return [.. repulls.Concat(fresh)];
    }
}
