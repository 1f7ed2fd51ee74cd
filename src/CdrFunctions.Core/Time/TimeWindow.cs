using System.Globalization;

namespace CdrFunctions.Pipeline.Time;

/// <summary>A half-open UTC interval <c>[Start, End)</c>: a call at exactly <see cref="End"/> belongs to the next window.</summary>
public readonly record struct TimeWindow
{
    public TimeWindow(DateTimeOffset start, DateTimeOffset end)
    {
        if (start.Offset != TimeSpan.Zero || end.Offset != TimeSpan.Zero)
        {
            throw new ArgumentException("Window bounds must be UTC.");
        }
        if (end <= start)
        {
            throw new ArgumentException($"Window end {end:O} must be after its start {start:O}.");
        }
        Start = start;
        End = end;
    }

    public DateTimeOffset Start { get; }
    public DateTimeOffset End { get; }
    public TimeSpan Length => End - Start;

    public bool Contains(DateTimeOffset instant) => instant >= Start && instant < End;

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"[{Start:yyyy-MM-ddTHH:mm:ssZ}, {End:yyyy-MM-ddTHH:mm:ssZ})");
}

/// <summary>
/// Fixed UTC grid of windows of one length, anchored at the Unix epoch, so that the same instant always
/// falls in the same window whatever run computes it.
/// </summary>
public sealed class WindowGrid
{
    public WindowGrid(TimeSpan size)
    {
        if (size < TimeSpan.FromMinutes(1) || size > TimeSpan.FromDays(1) || TimeSpan.FromDays(1).Ticks % size.Ticks != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "Window size must divide a day evenly and be between 1 minute and 1 day.");
        }
        Size = size;
    }

    public TimeSpan Size { get; }

    public DateTimeOffset Floor(DateTimeOffset instant)
    {
        var ticks = instant.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var floored = ticks - (((ticks % Size.Ticks) + Size.Ticks) % Size.Ticks);
        return new DateTimeOffset(DateTimeOffset.UnixEpoch.UtcTicks + floored, TimeSpan.Zero);
    }

    public DateTimeOffset Ceiling(DateTimeOffset instant)
    {
        var floor = Floor(instant);
        return floor == instant.ToUniversalTime() ? floor : floor + Size;
    }

    public TimeWindow WindowContaining(DateTimeOffset instant)
    {
        var start = Floor(instant);
        return new TimeWindow(start, start + Size);
    }

    /// <summary>Every grid window that overlaps <c>[from, to)</c>, in order.</summary>
    public IEnumerable<TimeWindow> Cover(DateTimeOffset from, DateTimeOffset to)
    {
        for (var start = Floor(from); start < to; start += Size)
        {
            yield return new TimeWindow(start, start + Size);
        }
    }
}
