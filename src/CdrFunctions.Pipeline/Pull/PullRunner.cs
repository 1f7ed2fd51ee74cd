using System.Collections.Concurrent;
using System.Text.Json;
using CdrFunctions.Pipeline.Landing;
using CdrFunctions.Pipeline.RateLimits;
using CdrFunctions.Pipeline.Resilience;
using CdrFunctions.Pipeline.Storage;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Pipeline.Vendors;
using Microsoft.Extensions.Logging;

namespace CdrFunctions.Pipeline.Pull;

/// <summary>
/// Pulls a vendor's due windows into raw blobs. A scheduled run re-pulls the lookback windows before the
/// checkpoint (late or changed calls), then pulls new windows up to <c>now − settle delay</c>, at most
/// <c>MaxWindowsPerRun</c> of them, advancing the checkpoint after each committed window. A run holds a
/// lease on the checkpoint row, so concurrent runs of one vendor do not pull or advance twice.
/// </summary>
public sealed class PullRunner(
    VendorCatalog vendors,
    RawLander lander,
    CheckpointStore checkpoints,
    TimeProvider time,
    ILogger<PullRunner> logger)
{
    /// <summary>Long enough for a slow window, short enough that a crashed run does not block for long.</summary>
    internal static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(10);

    private static readonly ConcurrentDictionary<string, bool> WarnedInactive = new(StringComparer.Ordinal);

    public async Task<PullRunResult> RunScheduledAsync(string vendorName, IProgress<PullProgress>? progress, CancellationToken cancellationToken)
    {
        var vendor = vendors.Get(vendorName);
        if (InactiveReason(vendor) is { } reason)
        {
            if (WarnedInactive.TryAdd(vendor.Name, true))
            {
                logger.LogWarning("Vendor {Vendor} is not pulled: {Reason}", vendor.Name, reason);
            }
            return new PullRunResult { Vendor = vendor.Name, Status = PullRunStatus.Skipped, Warnings = [reason] };
        }

        var schedule = vendor.Schedule;
        var grid = new WindowGrid(schedule.WindowSize);
        var now = time.GetUtcNow();
        var (leased, held) = await AcquireLeaseAsync(vendor, cancellationToken).ConfigureAwait(false);
        if (leased is null)
        {
            return held!;
        }

        var watermark = grid.Floor(leased.Watermark);
        var end = grid.Floor(now - schedule.SettleDelay);
        var lookbackStart = grid.Floor(watermark - schedule.Lookback);
        if (schedule.StartFrom is { } startFrom && lookbackStart < grid.Floor(startFrom.ToUniversalTime()))
        {
            lookbackStart = grid.Floor(startFrom.ToUniversalTime());
        }
        var repulls = grid.Cover(lookbackStart, watermark).Where(w => w.End <= end).Select(w => (w, true));
        var fresh = watermark < end ? grid.Cover(watermark, end).Take(schedule.MaxWindowsPerRun).Select(w => (w, false)) : [];
        var plan = repulls.Concat(fresh).ToList();

        var metrics = PullMetrics.Begin();
        var warnings = new List<string>();
        var lease = new LeaseHolder(leased, warnings);
        var (results, error, limited) = await LandWindowsAsync(vendor, plan, lease, async landed =>
        {
            // A held-back or superseded window is not landed by this run: the checkpoint stops before it.
            if (landed.Window.End <= lease.Current!.Watermark || landed.Outcome is not (LandingOutcome.Written or LandingOutcome.Unchanged))
            {
                return landed.Window.End <= lease.Current!.Watermark;
            }
            var advanced = await checkpoints.TryReplaceAsync(
                lease.Current with { Watermark = landed.Window.End, LeaseUntil = time.GetUtcNow() + LeaseDuration }, cancellationToken).ConfigureAwait(false);
            if (advanced is null)
            {
                warnings.Add($"The checkpoint was changed by someone else after {landed.Window}; this run stopped without advancing it.");
                logger.LogWarning("Vendor {Vendor}: checkpoint changed concurrently after {Window}; stopping", vendor.Name, landed.Window);
            }
            lease.Current = advanced;
            return advanced is not null;
        }, progress, cancellationToken).ConfigureAwait(false);
        var current = lease.Current;

        var result = new PullRunResult
        {
            Vendor = vendor.Name,
            Status = error is not null ? PullRunStatus.Failed
                : limited is not null ? PullRunStatus.RateLimited
                : plan.Count == 0 ? PullRunStatus.NothingDue : PullRunStatus.Completed,
            Windows = results,
            Retries = metrics.Retries,
            Warnings = [.. results.SelectMany(r => r.Warnings.Select(w => $"{r.Window}: {w}")), .. warnings,
                .. limited is null ? [] : new[] { $"rate limited, resumes next run: {limited.Value.Reason}; stopped before {limited.Value.Window}" }],
            Error = error,
            CheckpointBefore = leased.Watermark,
            CheckpointAfter = current?.Watermark,
        };
        if (current is not null)
        {
            await ReleaseAsync(current, result).ConfigureAwait(false);
        }
        logger.LogInformation("Pull run {Summary}", result.Summary);
        return result;
    }

    /// <summary>
    /// Lands every window overlapping <c>[from, to)</c> without moving the checkpoint, under the same run lease as
    /// scheduled runs (renewed every window), so a backfill and a scheduled run never land one window together.
    /// </summary>
    public async Task<PullRunResult> BackfillAsync(string vendorName, DateTimeOffset from, DateTimeOffset to, IProgress<PullProgress>? progress, CancellationToken cancellationToken)
    {
        var vendor = vendors.Get(vendorName);
        if (!vendor.IsConfigured)
        {
            var reason = $"vendor {vendor.Name} is not configured: {InactiveReason(vendor)}";
            return new PullRunResult { Vendor = vendor.Name, Status = PullRunStatus.Skipped, Warnings = [reason], Error = reason };
        }
        var (leased, held) = await AcquireLeaseAsync(vendor, cancellationToken).ConfigureAwait(false);
        if (leased is null)
        {
            return held!;
        }
        var plan = new WindowGrid(vendor.Schedule.WindowSize).Cover(from.ToUniversalTime(), to.ToUniversalTime()).Select(w => (w, false)).ToList();
        var metrics = PullMetrics.Begin();
        var warnings = new List<string>();
        var lease = new LeaseHolder(leased, warnings);
        var (results, error, limited) = await LandWindowsAsync(vendor, plan, lease, null, progress, cancellationToken).ConfigureAwait(false);
        var result = new PullRunResult
        {
            Vendor = vendor.Name,
            Status = error is not null ? PullRunStatus.Failed : limited is not null ? PullRunStatus.RateLimited : PullRunStatus.Completed,
            Windows = results,
            Retries = metrics.Retries,
            Warnings = [.. results.SelectMany(r => r.Warnings.Select(w => $"{r.Window}: {w}")), .. warnings,
                .. limited is null ? [] : new[] { $"rate limited: {limited.Value.Reason}; resume with --from {limited.Value.Window.Start:yyyy-MM-ddTHH:mm:ssZ}" }],
            Error = error,
        };
        if (lease.Current is not null)
        {
            await ReleaseAsync(lease.Current, result).ConfigureAwait(false);
        }
        return result;
    }

    /// <summary>Takes the vendor's run lease (creating its checkpoint if needed); the result to return when another run holds it.</summary>
    private async Task<(Checkpoint? Leased, PullRunResult? Held)> AcquireLeaseAsync(ICdrVendor vendor, CancellationToken cancellationToken)
    {
        var grid = new WindowGrid(vendor.Schedule.WindowSize);
        var now = time.GetUtcNow();
        var owner = Guid.NewGuid().ToString("N");
        var initial = grid.Floor(vendor.Schedule.StartFrom?.ToUniversalTime() ?? now.AddDays(-1));
        var checkpoint = await checkpoints.GetOrCreateAsync(vendor.Name, initial, cancellationToken).ConfigureAwait(false);
        var held = new PullRunResult { Vendor = vendor.Name, Status = PullRunStatus.LeaseHeld, CheckpointBefore = checkpoint.Watermark };
        if (checkpoint.IsLeasedByOther(owner, now))
        {
            logger.LogInformation("Vendor {Vendor}: another run holds the lease until {Until:O}; skipping", vendor.Name, checkpoint.LeaseUntil);
            return (null, held);
        }
        var leased = await checkpoints.TryReplaceAsync(checkpoint with { LeaseOwner = owner, LeaseUntil = now + LeaseDuration }, cancellationToken).ConfigureAwait(false);
        return leased is null ? (null, held) : (leased, null);
    }

    /// <summary>The run's lease, renewed before every window (re-pulls included) so a slow run never loses it unnoticed.</summary>
    private sealed class LeaseHolder(Checkpoint leased, List<string> warnings)
    {
        public Checkpoint? Current { get; set; } = leased;

        public List<string> Warnings => warnings;
    }

    private async Task<bool> RenewAsync(LeaseHolder lease, TimeWindow next, CancellationToken cancellationToken)
    {
        if (lease.Current is null)
        {
            return false;
        }
        var renewed = await checkpoints.TryReplaceAsync(lease.Current with { LeaseUntil = time.GetUtcNow() + LeaseDuration }, cancellationToken).ConfigureAwait(false);
        if (renewed is null)
        {
            lease.Warnings.Add($"The run lease was taken by another run before {next}; this run stopped.");
            logger.LogWarning("Vendor lease lost before {Window}; stopping", next);
        }
        lease.Current = renewed;
        return renewed is not null;
    }

    /// <summary>
    /// Lands the planned windows in order, stopping at the first failure, at a rate limit, or when
    /// <paramref name="afterEach"/> says stop; returns what landed and the failure or rate limit, if any.
    /// </summary>
    private async Task<(List<WindowPullResult> Landed, string? Error, (TimeWindow Window, string Reason)? Limited)> LandWindowsAsync(
        ICdrVendor vendor, IReadOnlyList<(TimeWindow Window, bool Repull)> plan, LeaseHolder lease, Func<WindowPullResult, Task<bool>>? afterEach,
        IProgress<PullProgress>? progress, CancellationToken cancellationToken)
    {
        var landed = new List<WindowPullResult>(plan.Count);
        string? error = null;
        (TimeWindow, string)? limited = null;
        foreach (var (window, repull) in plan)
        {
            progress?.Report(new PullProgress(landed.Count, plan.Count, landed.Sum(r => r.Records), window));
            if (!await RenewAsync(lease, window, cancellationToken).ConfigureAwait(false))
            {
                break;
            }
            WindowPullResult result;
            try
            {
                var blob = await lander.LandAsync(vendor, window, cancellationToken).ConfigureAwait(false);
                result = new WindowPullResult(window, blob.BlobName, blob.Outcome, blob.RecordCount, repull) { Warnings = blob.Warnings };
                foreach (var warning in blob.Warnings)
                {
                    logger.LogWarning("Vendor {Vendor}: window {Window}: {Warning}", vendor.Name, window, warning);
                }
            }
            catch (Exception e) when (e is RateLimitWaitException or VendorRateLimitedException)
            {
                // Not a failure: the window is simply not pulled yet; the checkpoint stays where it is.
                limited = (window, e.Message);
                logger.LogWarning("Vendor {Vendor}: rate limited before window {Window} ({Reason}); the rest resumes next run", vendor.Name, window, e.Message);
                break;
            }
            catch (Exception e) when (IsWindowFailure(e, cancellationToken))
            {
                error = $"{window}: {e.Message}";
                logger.LogError(e, "Vendor {Vendor}: window {Window} failed", vendor.Name, window);
                break;
            }
            landed.Add(result);
            if (afterEach is not null && !await afterEach(result).ConfigureAwait(false))
            {
                break;
            }
        }
        progress?.Report(new PullProgress(landed.Count, plan.Count, landed.Sum(r => r.Records), null));
        return (landed, error, limited);
    }

    /// <summary>A vendor or data problem fails the window; cancellation and unreachable storage end the whole run.</summary>
    private static bool IsWindowFailure(Exception e, CancellationToken cancellationToken) =>
        e is not StorageUnreachableException && (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested);

    private static string? InactiveReason(ICdrVendor vendor) =>
        !vendor.Schedule.Enabled ? $"switched off (set Vendors:{vendor.Name}:Enabled=true)"
        : !vendor.IsConfigured ? "missing settings (see the README's configuration reference)"
        : null;

    /// <summary>Runs even when the run was cancelled, so the next run does not wait for the lease to expire.</summary>
    private async Task ReleaseAsync(Checkpoint current, PullRunResult result)
    {
        var summary = JsonSerializer.Serialize(new
        {
            status = result.Status.ToString(),
            windows = result.Windows.Count,
            records = result.Records,
            retries = result.Retries,
            warnings = result.Warnings,
        });
        var released = current with
        {
            LeaseOwner = null,
            LeaseUntil = null,
            LastRunAt = time.GetUtcNow(),
            LastRunSummary = summary,
            LastError = result.Error ?? (result.Status == PullRunStatus.Failed ? "failed" : null),
        };
        if (await checkpoints.TryReplaceAsync(released, CancellationToken.None).ConfigureAwait(false) is null)
        {
            logger.LogWarning("Vendor {Vendor}: could not release the run lease (changed concurrently); it expires by itself", result.Vendor);
        }
    }
}
