using CdrFunctions.Pipeline.Landing;
using CdrFunctions.Pipeline.Time;

namespace CdrFunctions.Pipeline.Pull;

public enum PullRunStatus
{
    /// <summary>Every due window landed.</summary>
    Completed,

    /// <summary>Nothing was due (caught up to now minus the settle delay).</summary>
    NothingDue,

    /// <summary>The vendor is switched off or lacks settings; nothing was attempted.</summary>
    Skipped,

    /// <summary>Another run holds the vendor's lease; this one did nothing.</summary>
    LeaseHeld,

    /// <summary>A window failed; the checkpoint stops before it and the next run retries from there.</summary>
    Failed,

    /// <summary>
    /// The vendor's request limit (ours, or a 429 from the vendor) stopped the run before a window; the
    /// checkpoint stays after the last landed window and the next run resumes there. Not a failure.
    /// </summary>
    RateLimited,
}

public sealed record WindowPullResult(TimeWindow Window, string BlobName, LandingOutcome Outcome, long Records, bool Repull)
{
    /// <summary>Warnings the vendor raised for this window (see <c>IRawSink.AddWarning</c>).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>What one run did: returned by the timer function, printed by the CLI, kept for <c>status</c>.</summary>
public sealed record PullRunResult
{
    public required string Vendor { get; init; }
    public required PullRunStatus Status { get; init; }
    public IReadOnlyList<WindowPullResult> Windows { get; init; } = [];
    public long Records => Windows.Sum(w => w.Records);
    public int Retries { get; init; }
    public IReadOnlyList<string> Warnings { get; init; } = [];
    public string? Error { get; init; }
    public DateTimeOffset? CheckpointBefore { get; init; }
    public DateTimeOffset? CheckpointAfter { get; init; }

    public string Summary =>
        $"{Vendor}: {Status}, {Windows.Count} window(s), {Records} record(s), {Retries} retr{(Retries == 1 ? "y" : "ies")}"
        + (Warnings.Count > 0 ? $", {Warnings.Count} warning(s)" : "")
        + (Error is null ? "" : $"; error: {Error}");
}

/// <summary>Progress of a run or backfill, for progress bars: windows, calls landed and the vendor's current request rate.</summary>
public readonly record struct PullProgress(int WindowsDone, int WindowsTotal, long Records, TimeWindow? Current)
{
    /// <summary>Windows being pulled right now (up to the vendor's window concurrency).</summary>
    public int WindowsRunning { get; init; }

    /// <summary>Requests per second the vendor's rate limiter let through over the last seconds.</summary>
    public double RequestsPerSecond { get; init; }
}
