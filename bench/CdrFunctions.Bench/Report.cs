using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;

namespace CdrFunctions.Bench;

/// <summary>The Markdown report on stdout: machine, inputs, one row per measurement, and the targets.</summary>
internal sealed class Report(BenchOptions options, long rawBytes, long e2eRawBytes)
{
    private readonly List<Measurement> _rows = [];
    private readonly List<string> _targets = [];

    public void Add(params Measurement[] measurements) => _rows.AddRange(measurements);

    public void Target(string what, double actual, double target, string format) =>
        _targets.Add(string.Create(CultureInfo.InvariantCulture,
            $"- Target: {what} ≥ {target.ToString(format, CultureInfo.InvariantCulture)}, measured {actual.ToString(format, CultureInfo.InvariantCulture)} → {(actual >= target ? "met" : "**below target**")}"));

    public string ToMarkdown(TimeSpan elapsed)
    {
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine("## CdrFunctions benchmark").AppendLine();
        md.AppendLine(c, $"- Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription} {RuntimeInformation.ProcessArchitecture}, {RuntimeInformation.FrameworkDescription}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC, {Build} build");
        md.AppendLine(c, $"- CPU input: {options.Records:N0} Alotech records in {Pages(options.Records):N0} pages of {RawWindow.PageSize}, {rawBytes / 1e6:N1} MB raw window in memory");
        md.AppendLine(c, $"- End-to-end input: {options.E2eRecords:N0} records ({Pages(options.E2eRecords):N0} pages, {e2eRawBytes / 1e6:N1} MB) as one raw blob in Azurite, no window metadata");
        md.AppendLine(c, $"- {options.Runs} runs per measurement after one warm-up, alternating; median with min/max; allocation = whole-process bytes / record (median run)");
        md.AppendLine();
        md.AppendLine("| Measurement | Items/run | Median time | Median rate | Min rate | Max rate | Alloc/record | vs baseline |");
        md.AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var m in _rows)
        {
            md.AppendLine(c, $"| {m.Name} | {m.Items:N0} | {m.MedianElapsed.TotalMilliseconds:N0} ms | {m.MedianPerSecond:N0} {m.Unit} | {m.MinPerSecond:N0} | {m.MaxPerSecond:N0} | {m.AllocatedPerRecord:N0} B | {(m.Ratio is { } r ? $"{r:N2}×" : "—")} |");
        }
        md.AppendLine();
        _targets.ForEach(t => md.AppendLine(t));
        md.AppendLine(c, $"- Total wall time of this run: {elapsed.TotalSeconds:N0} s");
        return md.ToString();
    }

    private static int Pages(int records) => (records + RawWindow.PageSize - 1) / RawWindow.PageSize;

#if DEBUG
    private const string Build = "Debug (numbers not meaningful: use -c Release)";
#else
    private const string Build = "Release";
#endif
}
