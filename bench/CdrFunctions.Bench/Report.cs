using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CdrFunctions.Bench;

/// <summary>One figure of the issue's table: its JSON key, the aim and what was measured.</summary>
internal sealed record Aim(string Section, string Key, string What, double Measured, double Target, bool AtMost, string Format)
{
    public bool Met => AtMost ? Measured <= Target : Measured >= Target;

    public string Describe(double value) => value.ToString(Format, CultureInfo.InvariantCulture);
}

/// <summary>
/// The report: a Markdown table on stdout (inputs, one row per measurement, each aim beside its value) and,
/// with <c>--json FILE</c>, the same as <c>{"ratios":{...},"memory":{...},"raw":{...}}</c>.
/// </summary>
internal sealed class Report(BenchOptions options)
{
    private readonly List<Measurement> _rows = [];
    private readonly List<Aim> _aims = [];
    private readonly List<string> _inputs = [];
    private readonly JsonObject _raw = [];

    public void Input(string line) => _inputs.Add(line);

    public void Add(params Measurement[] measurements)
    {
        _rows.AddRange(measurements);
        foreach (var m in measurements)
        {
            _raw[m.Name] = new JsonObject
            {
                ["items"] = m.Items,
                ["unit"] = m.Unit,
                ["median_per_second"] = Math.Round(m.MedianPerSecond, 1),
                ["min_per_second"] = Math.Round(m.MinPerSecond, 1),
                ["max_per_second"] = Math.Round(m.MaxPerSecond, 1),
                ["median_ms"] = Math.Round(m.MedianElapsed.TotalMilliseconds, 1),
                ["allocated_bytes_per_record"] = Math.Round(m.AllocatedPerRecord),
                ["vs_baseline"] = m.Ratio is { } r ? Math.Round(r, 3) : null,
            };
        }
    }

    /// <summary>A raw figure that is not a throughput (latencies, rates), kept in the JSON under <c>raw</c>.</summary>
    public void Raw(string name, double value) => _raw[name] = Math.Round(value, 3);

    public void Ratio(string key, string what, double measured, double target, bool atMost = false) =>
        _aims.Add(new Aim("ratios", key, what, measured, target, atMost, "0.00"));

    public void Memory(string key, string what, double megabytes, double? target) =>
        _aims.Add(new Aim("memory", key, what, megabytes, target ?? double.PositiveInfinity, true, "0"));

    public string ToMarkdown(TimeSpan elapsed)
    {
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine("## CdrFunctions benchmark").AppendLine();
        md.AppendLine(c, $"- Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription} {RuntimeInformation.ProcessArchitecture}, {RuntimeInformation.FrameworkDescription}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC, {Build} build{(options.Quick ? ", --quick" : "")}");
        _inputs.ForEach(i => md.AppendLine("- " + i));
        md.AppendLine(c, $"- {options.Runs} runs per measurement after one warm-up, alternating; median with min/max; allocation = whole-process bytes / record (median run)");
        md.AppendLine();
        md.AppendLine("| Measurement | Items/run | Median time | Median rate | Min rate | Max rate | Alloc/record | vs baseline |");
        md.AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var m in _rows)
        {
            md.AppendLine(c, $"| {m.Name} | {m.Items:N0} | {m.MedianElapsed.TotalMilliseconds:N0} ms | {m.MedianPerSecond:N0} {m.Unit} | {m.MinPerSecond:N0} | {m.MaxPerSecond:N0} | {m.AllocatedPerRecord:N0} B | {(m.Ratio is { } r ? $"{r:N2}×" : "—")} |");
        }
        md.AppendLine();
        md.AppendLine("| Figure (JSON key) | Aim | Measured | |");
        md.AppendLine("|---|--:|--:|---|");
        foreach (var a in _aims)
        {
            var unit = a.Section == "memory" ? " MB" : "×";
            var aim = double.IsPositiveInfinity(a.Target) ? "—" : $"{(a.AtMost ? "≤" : "≥")} {a.Describe(a.Target)}{unit}";
            var verdict = double.IsPositiveInfinity(a.Target) ? "" : a.Met ? "met" : "**not met**";
            md.AppendLine(c, $"| {a.What} (`{a.Key}`) | {aim} | {a.Describe(a.Measured)}{unit} | {verdict} |");
        }
        md.AppendLine();
        md.AppendLine(c, $"- Total wall time of this run: {elapsed.TotalSeconds:N0} s");
        return md.ToString();
    }

    public string ToJson(TimeSpan elapsed)
    {
        var json = new JsonObject
        {
            ["ratios"] = Section("ratios"),
            ["memory"] = Section("memory"),
            ["aims"] = new JsonArray([.. _aims.Select(a => (JsonNode)new JsonObject
            {
                ["key"] = $"{a.Section}.{a.Key}",
                ["what"] = a.What,
                ["measured"] = Math.Round(a.Measured, 3),
                ["aim"] = double.IsPositiveInfinity(a.Target) ? null : $"{(a.AtMost ? "<=" : ">=")} {a.Target.ToString(CultureInfo.InvariantCulture)}",
                ["met"] = double.IsPositiveInfinity(a.Target) ? null : a.Met,
            })]),
            ["raw"] = _raw.DeepClone(),
            ["machine"] = new JsonObject
            {
                ["cores"] = Environment.ProcessorCount,
                ["os"] = RuntimeInformation.OSDescription,
                ["runtime"] = RuntimeInformation.FrameworkDescription,
                ["build"] = Build,
                ["quick"] = options.Quick,
                ["runs"] = options.Runs,
                ["wall_seconds"] = Math.Round(elapsed.TotalSeconds, 1),
            },
        };
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private JsonObject Section(string section)
    {
        var o = new JsonObject();
        foreach (var a in _aims.Where(a => a.Section == section))
        {
            o[a.Key] = Math.Round(a.Measured, 3);
        }
        return o;
    }

#if DEBUG
    private const string Build = "Debug (numbers not meaningful: use -c Release)";
#else
    private const string Build = "Release";
#endif
}
