using System.Globalization;
using CdrFunctions.Cli;
using CdrFunctions.Pipeline.Pull;
using CdrFunctions.Pipeline.Time;

namespace CdrFunctions.Tests.Cli;

/// <summary>What the progress of <c>cdr pull</c> and <c>cdr normalize</c> says (no storage, no process).</summary>
public class ProgressLineTests
{
    private static readonly DateTimeOffset TenOClock = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_pull_line_shows_windows_done_of_all_and_running_calls_the_request_rate_and_the_time_reached()
    {
        var progress = new PullProgress(3, 24, 12_345, new TimeWindow(TenOClock, TenOClock.AddHours(1))) { WindowsRunning = 2, RequestsPerSecond = 4.96 };

        Assert.Equal("pull 3/24 windows (2 running), 12,345 calls, 5.0 req/s, at 2026-11-21 10:00Z", ProgressLine.Pull("pull").Describe(progress));
    }

    [Fact]
    public void A_finished_pull_line_shows_no_running_windows_and_no_time_reached()
    {
        var progress = new PullProgress(24, 24, 12_345, null) { RequestsPerSecond = 0.5 };

        Assert.Equal("pull alotech 24/24 windows, 12,345 calls, 0.5 req/s", ProgressLine.Pull("pull alotech").Describe(progress));
    }

    [Fact]
    public void A_normalize_line_shows_blobs_and_calls_but_no_request_rate_as_it_asks_no_vendor()
    {
        Assert.Equal("normalize 2/5 blobs, 1,200 calls", ProgressLine.Normalize.Describe(new PullProgress(2, 5, 1_200, null)));
    }

    [Fact]
    public void The_line_reads_the_same_whatever_the_current_culture()
    {
        var before = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            var progress = new PullProgress(1, 2, 1_234, null) { RequestsPerSecond = 2.5 };
            Assert.Equal("pull 1/2 windows, 1,234 calls, 2.5 req/s", ProgressLine.Pull("pull").Describe(progress));
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }
}
