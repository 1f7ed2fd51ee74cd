using CdrFunctions.Pipeline.Pull;

namespace CdrFunctions.Cli;

/// <summary>
/// Progress as plain lines, for a stderr that is a log or a pipe: no redraws, no colours. The first report is
/// written at once (the run started); after that a line is written when a window completes, but at most one
/// every <see cref="Interval"/>: a backfill of thousands of quick windows writes a line every few seconds, not
/// one per window, while slow windows still get one each. A completion held back by the interval is written
/// (with the latest progress) when the interval is up, so the log never lags further than that. Reports that
/// only start windows wait for the next completion. <see cref="Finish"/> writes where the work ended.
/// </summary>
internal sealed class PlainProgress : IProgress<PullProgress>, IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    // Reports come from the work, held-back lines from the timer's thread.
    private readonly Lock _gate = new();
    private readonly ProgressLine _line;
    private readonly TextWriter _writer;
    private readonly TimeProvider _time;
    private readonly ITimer _heldBack;
    private PullProgress? _latest;
    private bool _latestWritten;
    private int _doneWritten;
    private long _writtenAt;

    public PlainProgress(ProgressLine line, TextWriter writer, TimeProvider time)
    {
        (_line, _writer, _time) = (line, writer, time);
        _heldBack = time.CreateTimer(_ => WriteLatest(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public void Report(PullProgress value)
    {
        lock (_gate)
        {
            var first = _latest is null;
            (_latest, _latestWritten) = (value, false);
            if (!first && value.WindowsDone <= _doneWritten)
            {
                return;
            }
            var wait = first ? TimeSpan.Zero : Interval - _time.GetElapsedTime(_writtenAt);
            if (wait <= TimeSpan.Zero)
            {
                Write(value);
            }
            else
            {
                _heldBack.Change(wait, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Writes the last report unless its line is out already; a held-back line due later finds nothing to write.</summary>
    public void Finish() => WriteLatest();

    public void Dispose() => _heldBack.Dispose();

    private void WriteLatest()
    {
        lock (_gate)
        {
            if (_latest is { } latest && !_latestWritten)
            {
                Write(latest);
            }
        }
    }

    private void Write(PullProgress p)
    {
        _writer.WriteLine(_line.Describe(p));
        (_latestWritten, _doneWritten, _writtenAt) = (true, p.WindowsDone, _time.GetTimestamp());
    }
}
