namespace CdrFunctions.Simulators.Alotech;

/// <summary>Conversions between UTC and the tenant's wall clock.</summary>
internal sealed class AlotechTenantClock(TimeZoneInfo zone)
{
    private static readonly TimeSpan SampleStep = TimeSpan.FromHours(12);

    public TimeZoneInfo Zone { get; } = zone;

    public DateTime ToLocal(DateTimeOffset utc) => TimeZoneInfo.ConvertTime(utc, Zone).DateTime;

    /// <summary>
    /// A UTC range [from, to) in Unix seconds that surely contains every instant whose local time lies in
    /// [startLocal, finishLocal]. Local times can be ambiguous or skipped around DST changes, so the bounds
    /// use the widest offset near each end and callers filter on the local time afterwards.
    /// </summary>
    public (long From, long To) CandidateUnixRange(DateTime startLocal, DateTime finishLocal)
    {
        var start = AsUnixSeconds(startLocal);
        var finish = AsUnixSeconds(finishLocal);
        var (_, maxAtStart) = OffsetsNear(start);
        var (minAtFinish, _) = OffsetsNear(finish);
        return (start - (long)maxAtStart.TotalSeconds, finish - (long)minAtFinish.TotalSeconds + 1);
    }

    /// <summary>Offsets are within ±14 h and change at most once a day, so 12-hourly samples over ±36 h see both sides.</summary>
    private (TimeSpan Min, TimeSpan Max) OffsetsNear(long localAsUnixSeconds)
    {
        var center = DateTimeOffset.FromUnixTimeSeconds(localAsUnixSeconds);
        var min = TimeSpan.MaxValue;
        var max = TimeSpan.MinValue;
        for (var step = -3; step <= 3; step++)
        {
            var offset = Zone.GetUtcOffset(center + (SampleStep * step));
            min = offset < min ? offset : min;
            max = offset > max ? offset : max;
        }

        return (min, max);
    }

    /// <summary>The local wall-clock reading taken as if it were UTC.</summary>
    private static long AsUnixSeconds(DateTime local) =>
        new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), TimeSpan.Zero).ToUnixTimeSeconds();
}
