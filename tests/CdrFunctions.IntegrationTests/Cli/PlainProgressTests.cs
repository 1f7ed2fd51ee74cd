using CdrFunctions.Cli;
using CdrFunctions.Pipeline.Pull;
using CdrFunctions.Pipeline.Time;
using Microsoft.Extensions.Time.Testing;

namespace CdrFunctions.Tests.Cli;

/// <summary>Progress as plain lines, for a stderr that is a log or a pipe: on a fake clock, into a StringWriter.</summary>
public sealed class PlainProgressTests : IDisposable
{
    private static readonly DateTimeOffset Midnight = new(2026, 11, 21, 0, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Midnight.AddDays(1));
    private readonly StringWriter _log = new();
    private readonly PlainProgress _progress;

    public PlainProgressTests() => _progress = new PlainProgress(ProgressLine.Pull("pull"), _log, _time);

    private string[] Lines => _log.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

    private static PullProgress Step(int done, int running, int? current = null) =>
        new(done, 10, done * 100L, current is { } hour ? new TimeWindow(Midnight.AddHours(hour), Midnight.AddHours(hour + 1)) : null)
        {
            WindowsRunning = running,
            RequestsPerSecond = 2,
        };

    [Fact]
    public void The_first_report_is_written_at_once_as_one_plain_line()
    {
        _progress.Report(Step(0, 1, current: 0));

        Assert.Equal(["pull 0/10 windows (1 running), 0 calls, 2.0 req/s, at 2026-11-21 00:00Z"], Lines);
        Assert.DoesNotContain('\r', _log.ToString());
        Assert.DoesNotContain('\u001b', _log.ToString());
    }

    [Fact]
    public void A_completed_window_is_written_at_once_when_the_last_line_is_older_than_the_interval()
    {
        _progress.Report(Step(0, 1, current: 0));
        _time.Advance(PlainProgress.Interval);
        _progress.Report(Step(1, 0));

        Assert.Equal(2, Lines.Length);
        Assert.StartsWith("pull 1/10 windows, 100 calls", Lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Windows_completing_within_the_interval_make_one_line_with_the_latest_progress_when_it_is_up()
    {
        _progress.Report(Step(0, 3, current: 2));
        _time.Advance(TimeSpan.FromSeconds(1));
        _progress.Report(Step(1, 2, current: 2));
        _progress.Report(Step(1, 3, current: 3));
        _progress.Report(Step(2, 2, current: 3));
        Assert.Single(Lines);

        _time.Advance(PlainProgress.Interval - TimeSpan.FromSeconds(1));

        Assert.Equal(2, Lines.Length);
        Assert.Equal("pull 2/10 windows (2 running), 200 calls, 2.0 req/s, at 2026-11-21 03:00Z", Lines[1]);
    }

    [Fact]
    public void A_report_that_only_starts_a_window_writes_no_line()
    {
        _progress.Report(Step(0, 1, current: 0));
        _time.Advance(PlainProgress.Interval * 3);
        _progress.Report(Step(0, 2, current: 1));
        _time.Advance(PlainProgress.Interval * 3);

        Assert.Single(Lines);
    }

    [Fact]
    public void Finish_writes_the_last_report_when_its_line_is_not_out_yet_and_nothing_after()
    {
        _progress.Report(Step(0, 1, current: 0));
        _progress.Report(Step(10, 0));

        _progress.Finish();
        _time.Advance(PlainProgress.Interval * 3);

        Assert.Equal(2, Lines.Length);
        Assert.Equal("pull 10/10 windows, 1,000 calls, 2.0 req/s", Lines[1]);
    }

    [Fact]
    public void Finish_does_not_repeat_a_line_already_written()
    {
        _progress.Report(Step(0, 1, current: 0));
        _time.Advance(PlainProgress.Interval);
        _progress.Report(Step(10, 0));

        _progress.Finish();

        Assert.Equal(2, Lines.Length);
    }

    [Fact]
    public void Finish_without_any_report_writes_nothing()
    {
        _progress.Finish();

        Assert.Equal("", _log.ToString());
    }

    public void Dispose()
    {
        _progress.Dispose();
        _log.Dispose();
    }
}
