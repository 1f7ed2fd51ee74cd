using System.Collections.Concurrent;
using CdrFunctions.Pipeline.Vendors;
using Microsoft.Extensions.Logging;

namespace CdrFunctions.Pipeline.Pull;

/// <summary>
/// One timer tick for one vendor: what the Functions timer function and <c>cdr run</c>'s scheduler both
/// call. A vendor that is not registered (its timer exists before its code is merged) does nothing and
/// says so once; an off or unconfigured vendor is reported once by <see cref="PullRunner"/>.
/// </summary>
public sealed class ScheduledPull(VendorCatalog vendors, PullRunner runner, ILogger<ScheduledPull> logger)
{
    private readonly ConcurrentDictionary<string, bool> _warnedUnknown = new(StringComparer.OrdinalIgnoreCase);

    public async Task<PullRunResult> RunAsync(string vendorName, bool isPastDue, CancellationToken cancellationToken)
    {
        if (!vendors.TryGet(vendorName, out var vendor))
        {
            if (_warnedUnknown.TryAdd(vendorName, true))
            {
                logger.LogWarning("Timer for vendor {Vendor}: no such vendor is registered in this build; the timer does nothing", vendorName);
            }
            return new PullRunResult { Vendor = vendorName, Status = PullRunStatus.Skipped, Warnings = [$"vendor {vendorName} is not registered"] };
        }
        if (isPastDue)
        {
            logger.LogWarning("Timer for vendor {Vendor} is past due (the host was down or busy at the scheduled time); pulling now", vendor.Name);
        }
        var result = await runner.RunScheduledAsync(vendor.Name, progress: null, cancellationToken).ConfigureAwait(false);
        if (result.Status == PullRunStatus.Failed)
        {
            logger.LogError("Scheduled pull {Summary}", result.Summary);
        }
        else if (result.Status != PullRunStatus.Skipped)
        {
            logger.LogInformation("Scheduled pull {Summary}", result.Summary);
        }
        return result;
    }
}
