using System.Globalization;
using System.Text;
using CdrFunctions.Pipeline.Pull;

namespace CdrFunctions.Cli;

/// <summary>
/// What a progress line says: a pull shows windows done of all (and running), calls landed, the vendor's current
/// request rate and the latest window started; a normalization asks no vendor, so it shows no rate.
/// </summary>
internal sealed record ProgressLine(string Label, string Unit, bool ShowsRequestRate)
{
    public static ProgressLine Normalize { get; } = new("normalize", "blobs", ShowsRequestRate: false);

    public static ProgressLine Pull(string label) => new(label, "windows", ShowsRequestRate: true);

    /// <summary>Invariant, so a log line reads (and greps) the same on every machine.</summary>
    public string Describe(PullProgress p)
    {
        var c = CultureInfo.InvariantCulture;
        var line = new StringBuilder().Append(c, $"{Label} {p.WindowsDone}/{p.WindowsTotal} {Unit}");
        if (p.WindowsRunning > 0)
        {
            line.Append(c, $" ({p.WindowsRunning} running)");
        }
        line.Append(c, $", {p.Records:N0} calls");
        if (ShowsRequestRate)
        {
            line.Append(c, $", {p.RequestsPerSecond:N1} req/s");
        }
        if (p.Current is { } w)
        {
            line.Append(c, $", at {w.Start:yyyy-MM-dd HH:mm}Z");
        }
        return line.ToString();
    }
}
