using CdrFunctions.Pipeline.Pull;
using CdrFunctions.Pipeline.Vendors;
using Cronos;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CdrFunctions.Pipeline.Local;

/// <summary>
/// <c>cdr run</c>'s timers: one loop per registered vendor on its <c>Vendors:{Vendor}:Schedule</c>
/// (six-field NCRONTAB, UTC, as the Functions timer reads it), each tick calling <see cref="ScheduledPull"/>.
/// A tick that finds the previous one still running is skipped, like the Functions timer's singleton.
/// </summary>
public sealed class ScheduledPullService(VendorCatalog vendors, ScheduledPull pull, TimeProvider time, ILogger<ScheduledPullService> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(vendors.All.Select(v => RunVendorAsync(v, stoppingToken)));

    private async Task RunVendorAsync(ICdrVendor vendor, CancellationToken stoppingToken)
    {
        CronExpression cron;
        try
        {
            cron = CronExpression.Parse(vendor.Schedule.Cron, CronFormat.IncludeSeconds);
        }
        catch (CronFormatException e)
        {
            logger.LogError("Vendor {Vendor}: schedule '{Schedule}' is not a six-field NCRONTAB expression ({Reason}); not scheduled", vendor.Name, vendor.Schedule.Cron, e.Message);
            return;
        }
        logger.LogInformation("Vendor {Vendor}: scheduled '{Schedule}' (UTC)", vendor.Name, vendor.Schedule.Cron);
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            if (cron.GetNextOccurrence(now, TimeZoneInfo.Utc) is not { } next)
            {
                return;
            }
            try
            {
                await Task.Delay(next - now, time, stoppingToken).ConfigureAwait(false);
                // Late by more than a minute (sleep, debugger) is what the Functions timer calls past due.
                var pastDue = time.GetUtcNow() - next > TimeSpan.FromMinutes(1);
                await pull.RunAsync(vendor.Name, pastDue, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Storage down or similar: the next occurrence tries again, as the Functions timer would.
                logger.LogError(e, "Vendor {Vendor}: scheduled pull failed", vendor.Name);
            }
        }
    }
}
