using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace CdrFunctions.Pipeline.Vendors;

/// <summary>
/// Scheduling settings every vendor section carries (<c>Vendors:{Vendor}:Enabled</c>, <c>:Schedule</c>,
/// <c>:WindowSize</c>...). <see cref="VendorOptions.Pull"/> holds them, bound from the vendor's own section, so
/// the pipeline reads them without knowing the vendor.
/// </summary>
public sealed class PullSchedule : IValidatableObject
{
    /// <summary>Off by default: a vendor pulls only once it is switched on and configured.</summary>
    public bool Enabled { get; set; }

    /// <summary>Six-field NCRONTAB in UTC, used by the Functions timer and by <c>cdr run</c> (key <c>Schedule</c>).</summary>
    [ConfigurationKeyName("Schedule")]
    public string Cron { get; set; } = "0 */15 * * * *";

    /// <summary>Length of one window on the UTC grid; must divide a day.</summary>
    public TimeSpan WindowSize { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Already landed windows re-pulled each run, to catch late or changed calls.</summary>
    public TimeSpan Lookback { get; set; } = TimeSpan.FromHours(2);

    /// <summary>How long after a window ends the vendor is given to finish writing its calls.</summary>
    public TimeSpan SettleDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>New windows per run at most; the rest is picked up by the next run.</summary>
    [Range(1, 10_000)]
    public int MaxWindowsPerRun { get; set; } = 24;

    /// <summary>
    /// A re-pull that would drop more than this share of a landed window's calls is held back until a later run
    /// gets the same smaller answer (a vendor glitch must not delete data). 0.1 = 10%.
    /// </summary>
    [Range(0.0, 1.0)]
    public double MaxShrinkShare { get; set; } = 0.1;

    /// <summary>
    /// Windows of one run (catch-up or backfill) pulled at the same time, all under the vendor's
    /// <c>Http:RateLimit</c>; the checkpoint still advances only over committed windows in order.
    /// </summary>
    [Range(1, 64)]
    public int WindowConcurrency { get; set; } = 4;

    /// <summary>Where a vendor with no checkpoint yet starts; default: one day before the first run.</summary>
    public DateTimeOffset? StartFrom { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var day = TimeSpan.FromDays(1);
        if (WindowSize < TimeSpan.FromMinutes(1) || WindowSize > day || day.Ticks % WindowSize.Ticks != 0)
        {
            yield return new ValidationResult($"WindowSize {WindowSize} must divide a day evenly (e.g. 00:15:00, 01:00:00).", [nameof(WindowSize)]);
        }
        if (Lookback < TimeSpan.Zero)
        {
            yield return new ValidationResult("Lookback must not be negative.", [nameof(Lookback)]);
        }
        if (SettleDelay < TimeSpan.Zero)
        {
            yield return new ValidationResult("SettleDelay must not be negative.", [nameof(SettleDelay)]);
        }
        if (string.IsNullOrWhiteSpace(Cron) || Cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length != 6)
        {
            yield return new ValidationResult($"Schedule '{Cron}' must be a six-field NCRONTAB expression (second minute hour day month weekday).", ["Schedule"]);
        }
    }
}
