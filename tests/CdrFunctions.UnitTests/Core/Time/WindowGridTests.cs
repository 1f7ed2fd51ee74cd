using CdrFunctions.Pipeline.Time;

namespace CdrFunctions.Tests.Core.Time;

public class WindowGridTests
{
    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi = 0, int s = 0) => new(y, mo, d, h, mi, s, TimeSpan.Zero);

    [Fact]
    public void Floor_puts_an_instant_on_the_start_of_its_window()
    {
        var grid = new WindowGrid(TimeSpan.FromMinutes(15));
        Assert.Equal(Utc(2026, 11, 22, 10, 30), grid.Floor(Utc(2026, 11, 22, 10, 44, 59)));
        Assert.Equal(Utc(2026, 11, 22, 10, 45), grid.Floor(Utc(2026, 11, 22, 10, 45)));
    }

    [Fact]
    public void Floor_converts_offsets_to_utc_first()
    {
        var grid = new WindowGrid(TimeSpan.FromHours(1));
        var istanbul = new DateTimeOffset(2026, 11, 22, 13, 30, 0, TimeSpan.FromHours(3));
        Assert.Equal(Utc(2026, 11, 22, 10), grid.Floor(istanbul));
    }

    [Fact]
    public void A_call_at_exactly_the_end_belongs_to_the_next_window()
    {
        var grid = new WindowGrid(TimeSpan.FromHours(1));
        var window = grid.WindowContaining(Utc(2026, 11, 22, 10, 15));
        Assert.True(window.Contains(Utc(2026, 11, 22, 10)));
        Assert.False(window.Contains(Utc(2026, 11, 22, 11)));
        Assert.True(grid.WindowContaining(Utc(2026, 11, 22, 11)).Contains(Utc(2026, 11, 22, 11)));
    }

    [Fact]
    public void Cover_returns_contiguous_windows_overlapping_the_range()
    {
        var grid = new WindowGrid(TimeSpan.FromHours(1));
        var windows = grid.Cover(Utc(2026, 11, 22, 10, 30), Utc(2026, 11, 22, 13)).ToList();
        Assert.Equal([Utc(2026, 11, 22, 10), Utc(2026, 11, 22, 11), Utc(2026, 11, 22, 12)], windows.Select(w => w.Start));
        Assert.All(windows.Zip(windows.Skip(1)), pair => Assert.Equal(pair.First.End, pair.Second.Start));
    }

    [Fact]
    public void The_grid_is_the_same_before_the_epoch()
    {
        var grid = new WindowGrid(TimeSpan.FromHours(1));
        Assert.Equal(Utc(1969, 12, 31, 23), grid.Floor(Utc(1969, 12, 31, 23, 59)));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(0)]
    [InlineData(60 * 25)]
    public void Sizes_that_do_not_divide_a_day_are_rejected(int minutes) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new WindowGrid(TimeSpan.FromMinutes(minutes)));

    [Fact]
    public void Windows_must_be_utc_and_non_empty()
    {
        Assert.Throws<ArgumentException>(() => new TimeWindow(Utc(2026, 1, 1, 1), Utc(2026, 1, 1, 1)));
        Assert.Throws<ArgumentException>(() => new TimeWindow(new DateTimeOffset(2026, 1, 1, 1, 0, 0, TimeSpan.FromHours(3)), Utc(2026, 1, 1, 2)));
    }
}
