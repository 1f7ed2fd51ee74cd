using System.Collections.Concurrent;
using System.Globalization;
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
/// <c>MaxWindowsPerRun</c> of them, several at once under the vendor's rate limit, advancing the checkpoint
/// over each contiguous run of committed windows. A run holds a
/// lease on the checkpoint row, so concurrent runs of one vendor do not pull or advance twice.
/// </summary>
public sealed class PullRunner(
    VendorCatalog vendors,
    RawLander lander,
    CheckpointStore checkpoints,
    VendorRateLimiters rateLimiters,
    TimeProvider time,
    VendorRetries retries,
    ILogger<PullRunner> logger)
{
    /// <summary>Long enough for a slow window, short enough that a crashed run does not block for long.</summary>
    internal static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(10);

    // Per vendor: say once per process why it is not pulled, not at every timer tick.
    private readonly ConcurrentDictionary<string, bool> _warnedInactive = new(StringComparer.Ordinal);

    public async Task<PullRunResult> RunScheduledAsync(string vendorName, IProgress<PullProgress>? progress, CancellationToken cancellationToken)
    {
        var vendor = vendors.Get(vendorName);
        if (InactiveReason(vendor) is { } reason)
        {
            if (_warnedInactive.TryAdd(vendor.Name, true))
            {
                logger.LogWarning("Vendor {Vendor} is not pulled: {Reason}", vendor.Name, reason);
            }
            return new PullRunResult { Vendor = vendor.Name, Status = PullRunStatus.Skipped, Warnings = [reason] };
        }

        var schedule = vendor.Schedule;
        var now = time.GetUtcNow();
        var warnings = new List<string>();
        var (leased, held) = await AcquireLeaseAsync(vendor, scheduled: true, warnings, cancellationToken).ConfigureAwait(false);
        if (leased is null)
        {
            return held!;
        }

        var plan = PullPlanner.Plan(schedule, leased.Watermark, now);

        var retriesBefore = retries.Count(vendor.Name);
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
            Retries = (int)(retries.Count(vendor.Name) - retriesBefore),
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
    /// scheduled runs (renewed before every window), so a backfill and a scheduled run never land one window together.
    /// </summary>
    public async Task<PullRunResult> BackfillAsync(string vendorName, DateTimeOffset from, DateTimeOffset to, IProgress<PullProgress>? progress, CancellationToken cancellationToken)
    {
        var vendor = vendors.Get(vendorName);
        if (!vendor.IsConfigured)
        {
            var reason = $"vendor {vendor.Name} is not configured: {InactiveReason(vendor)}";
            return new PullRunResult { Vendor = vendor.Name, Status = PullRunStatus.Skipped, Warnings = [reason], Error = reason };
        }
        var warnings = new List<string>();
        var (leased, held) = await AcquireLeaseAsync(vendor, scheduled: false, warnings, cancellationToken).ConfigureAwait(false);
        if (leased is null)
        {
            return held!;
        }
        var plan = new WindowGrid(vendor.Schedule.WindowSize).Cover(from.ToUniversalTime(), to.ToUniversalTime()).Select(w => (w, false)).ToList();
        var retriesBefore = retries.Count(vendor.Name);
        var lease = new LeaseHolder(leased, warnings);
        var (results, error, limited) = await LandWindowsAsync(vendor, plan, lease, null, progress, cancellationToken).ConfigureAwait(false);
        var result = new PullRunResult
        {
            Vendor = vendor.Name,
            Status = error is not null ? PullRunStatus.Failed : limited is not null ? PullRunStatus.RateLimited : PullRunStatus.Completed,
            Windows = results,
            Retries = (int)(retries.Count(vendor.Name) - retriesBefore),
            Warnings = [.. results.SelectMany(r => r.Warnings.Select(w => $"{r.Window}: {w}")), .. warnings,
                .. limited is null ? [] : new[] { $"rate limited: {limited.Value.Reason}; resume with --from {limited.Value.Window.Start:yyyy-MM-ddTHH:mm:ssZ}" }],
            Error = error,
        };
        if (lease.Current is not null)
        {
            // Only the lease: a backfill is not the scheduled run that status shows as the last one.
            await ReleaseLeaseOnlyAsync(lease.Current, vendor.Name).ConfigureAwait(false);
        }
        return result;
    }

    /// <summary>
    /// Takes the vendor's run lease on its checkpoint row (a scheduled run creates the checkpoint if needed; a
    /// backfill only a lease row without a watermark); the result to return when another run holds it. A lease
    /// whose holder was a process on this machine that is gone (killed, crashed) is taken over, with a warning.
    /// </summary>
    private async Task<(Checkpoint? Leased, PullRunResult? Held)> AcquireLeaseAsync(
        ICdrVendor vendor, bool scheduled, List<string> warnings, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var owner = RunLeaseOwner.ForThisProcess().ToString();
        var checkpoint = scheduled
            ? await checkpoints.GetOrCreateAsync(vendor.Name, PullPlanner.InitialWatermark(vendor.Schedule, now), cancellationToken).ConfigureAwait(false)
            : await checkpoints.GetOrCreateLeaseRowAsync(vendor.Name, cancellationToken).ConfigureAwait(false);
        var held = new PullRunResult { Vendor = vendor.Name, Status = PullRunStatus.LeaseHeld, CheckpointBefore = checkpoint.HasWatermark ? checkpoint.Watermark : null };
        if (checkpoint.IsLeasedByOther(owner, now) && RunLeaseOwner.TryParse(checkpoint.LeaseOwner) is { } gone && gone.IsGoneFromThisMachine())
        {
            logger.LogWarning("Vendor {Vendor}: the run holding the lease (process {ProcessId} on this machine) is gone; taking the lease over", vendor.Name, gone.ProcessId);
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"took over the run lease of a run that stopped without releasing it (process {gone.ProcessId} on this machine is gone; the lease ran until {checkpoint.LeaseUntil:yyyy-MM-ddTHH:mm:ssZ})"));
        }
        else if (checkpoint.IsLeasedByOther(owner, now))
        {
            logger.LogInformation("Vendor {Vendor}: another run holds the lease until {Until:O}; skipping", vendor.Name, checkpoint.LeaseUntil);
            // Said in the result too: a run that died without releasing the lease (killed, crashed) holds it until then.
            return (null, held with
            {
                Warnings = [string.Create(CultureInfo.InvariantCulture,
                    $"another run holds the run lease until {checkpoint.LeaseUntil:yyyy-MM-ddTHH:mm:ssZ} (a run that stopped without releasing it holds it until then); nothing was pulled")],
            });
        }
        var leased = await checkpoints.TryReplaceAsync(checkpoint with { LeaseOwner = owner, LeaseUntil = now + LeaseDuration }, cancellationToken).ConfigureAwait(false);
        return leased is null ? (null, held) : (leased, null);
    }

    /// <summary>The run's lease; renewed before every window starts (re-pulls included) so a slow run never loses it unnoticed.</summary>
    private sealed class LeaseHolder(Checkpoint leased, List<string> warnings)
    {
        public Checkpoint? Current { get; set; } = leased;

        public List<string> Warnings => warnings;
    }

    private async Task<bool> RenewAsync(string vendorName, LeaseHolder lease, TimeWindow next, CancellationToken cancellationToken)
    {
        if (lease.Current is null)
        {
            return false;
        }
        var renewed = await checkpoints.TryReplaceAsync(lease.Current with { LeaseUntil = time.GetUtcNow() + LeaseDuration }, cancellationToken).ConfigureAwait(false);
        if (renewed is null)
        {
            lease.Warnings.Add($"The run lease was taken by another run before {next}; this run stopped.");
            logger.LogWarning("Vendor {Vendor}: run lease lost before {Window}; stopping", vendorName, next);
        }
        lease.Current = renewed;
        return renewed is not null;
    }

    /// <summary>
    /// Lands the planned windows, up to the vendor's <see cref="PullSchedule.WindowConcurrency"/> at a time (their
    /// requests share the vendor's rate limiter). <paramref name="afterEach"/> sees committed windows strictly in
    /// plan order, so a checkpoint only moves over a contiguous run of them. A failed window stops new ones from
    /// starting while running ones finish, and those before it still go to <paramref name="afterEach"/> (the
    /// checkpoint reaches the gap); so do a rate limit (ours or the vendor's 429: not a failure, the rest
    /// resumes next run) and <paramref name="afterEach"/> saying stop. Returns what landed (in plan order), the
    /// first failure and the first rate limit, if any.
    /// </summary>
    private async Task<(List<WindowPullResult> Landed, string? Error, (TimeWindow Window, string Reason)? Limited)> LandWindowsAsync(
        ICdrVendor vendor, IReadOnlyList<(TimeWindow Window, bool Repull)> plan, LeaseHolder lease, Func<WindowPullResult, Task<bool>>? afterEach,
        IProgress<PullProgress>? progress, CancellationToken cancellationToken)
    {
        var concurrency = Math.Max(1, vendor.Schedule.WindowConcurrency);
        var results = new WindowPullResult?[plan.Count];
        var running = new Dictionary<Task<WindowPullResult>, int>();
        int next = 0, handedOver = 0, done = 0;
        long records = 0;
        var stop = false;
        // Not stop: a failed or rate-limited window stops new windows, but the committed ones before it are still handed over.
        var handingOver = true;
        string? error = null;
        (TimeWindow, string)? limited = null;
        var limitedIndex = int.MaxValue;
        var errorIndex = int.MaxValue;
        Exception? fatal = null;
        TimeWindow? current = null;
        void Report() => progress?.Report(new PullProgress(done, plan.Count, records, current)
        {
            WindowsRunning = running.Count,
            RequestsPerSecond = rateLimiters.Find(vendor.Name)?.CurrentRate ?? 0,
        });

        while (true)
        {
            while (!stop && next < plan.Count && running.Count < concurrency)
            {
                try
                {
                    stop = !await RenewAsync(vendor.Name, lease, plan[next].Window, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    // Cancelled or storage unreachable: let the running windows end first, then rethrow.
                    (stop, fatal) = (true, fatal ?? e);
                }
                if (stop)
                {
                    break;
                }
                var index = next++;
                current = plan[index].Window;
                running.Add(LandOneAsync(vendor, plan[index], cancellationToken), index);
                Report();
            }
            if (running.Count == 0)
            {
                break;
            }
            var finished = await Task.WhenAny(running.Keys).ConfigureAwait(false);
            var i = running[finished];
            running.Remove(finished);
            try
            {
                results[i] = await finished.ConfigureAwait(false);
                done++;
                records += results[i]!.Records;
            }
            catch (Exception e) when (e is RateLimitWaitException or VendorRateLimitedException)
            {
                // Not a failure: the window is simply not pulled yet; the checkpoint stops before it and no new window starts.
                stop = true;
                if (i < limitedIndex)
                {
                    (limited, limitedIndex) = ((plan[i].Window, e.Message), i);
                }
                logger.LogWarning("Vendor {Vendor}: rate limited before window {Window} ({Reason}); the rest resumes next run", vendor.Name, plan[i].Window, e.Message);
            }
            catch (Exception e) when (IsWindowFailure(e, cancellationToken))
            {
                stop = true;
                // The earliest failed window is the gap the checkpoint stops at: that is the one to report.
                if (i < errorIndex)
                {
                    (error, errorIndex) = ($"{plan[i].Window}: {e.Message}", i);
                }
                logger.LogError(e, "Vendor {Vendor}: window {Window} failed; no new windows start, running ones finish", vendor.Name, plan[i].Window);
            }
            catch (Exception e)
            {
                // Cancelled, or storage unreachable: the running windows end the same way; the first such error ends the run.
                stop = true;
                fatal ??= e;
            }
            while (fatal is null && handedOver < plan.Count && results[handedOver] is { } ready)
            {
                handedOver++;
                // Without the lease (lost on renewal) this run may not move the checkpoint at all.
                if (afterEach is not null && handingOver && lease.Current is not null && !await afterEach(ready).ConfigureAwait(false))
                {
                    (stop, handingOver) = (true, false);
                }
            }
            Report();
        }
        if (fatal is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(fatal);
        }
        current = null;
        Report();
        return ([.. results.OfType<WindowPullResult>()], error, limited);
    }

    private async Task<WindowPullResult> LandOneAsync(ICdrVendor vendor, (TimeWindow Window, bool Repull) item, CancellationToken cancellationToken)
    {
        var blob = await lander.LandAsync(vendor, item.Window, cancellationToken).ConfigureAwait(false);
        foreach (var warning in blob.Warnings)
        {
            logger.LogWarning("Vendor {Vendor}: window {Window}: {Warning}", vendor.Name, item.Window, warning);
        }
        return new WindowPullResult(item.Window, blob.BlobName, blob.Outcome, blob.RecordCount, item.Repull) { Warnings = blob.Warnings };
    }

    /// <summary>A vendor or data problem fails the window; cancellation and unreachable storage end the whole run.</summary>
    private static bool IsWindowFailure(Exception e, CancellationToken cancellationToken) =>
        e is not StorageUnreachableException && (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested);

    private static string? InactiveReason(ICdrVendor vendor) =>
        !vendor.Schedule.Enabled ? $"switched off (set Vendors:{vendor.Name}:Enabled=true)"
        : !vendor.IsConfigured ? "missing settings (see docs/configuration.md)"
        : null;

    private async Task ReleaseLeaseOnlyAsync(Checkpoint current, string vendorName)
    {
        if (await checkpoints.TryReplaceAsync(current with { LeaseOwner = null, LeaseUntil = null }, CancellationToken.None).ConfigureAwait(false) is null)
        {
            logger.LogWarning("Vendor {Vendor}: could not release the run lease (changed concurrently); it expires by itself", vendorName);
        }
    }

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
