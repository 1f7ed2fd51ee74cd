using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Pipeline.Pull;
using Spectre.Console;

namespace CdrFunctions.Cli;

/// <summary>Human-readable summaries of runs, as tables on stdout.</summary>
internal static class Reports
{
    public static void Print(PullRunResult result)
    {
        var table = new Table().Title($"pull {result.Vendor}: {result.Status}").AddColumns("window (UTC)", "blob", "result", "records");
        foreach (var w in result.Windows)
        {
            table.AddRow(Markup.Escape(w.Window.ToString()), Markup.Escape(w.BlobName), w.Outcome.ToString(), w.Records.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        }
        AnsiConsole.Write(table);
        AnsiConsole.WriteLine($"{result.Windows.Count} window(s), {result.Records:N0} record(s), {result.Retries} retr{(result.Retries == 1 ? "y" : "ies")}");
        foreach (var warning in result.Warnings)
        {
            AnsiConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(warning)}");
        }
        if (result.Error is { } error)
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(error)}");
        }
    }

    public static void Print(IReadOnlyCollection<NormalizeResult> results)
    {
        var table = new Table().Title("normalize").AddColumns("raw blob", "calls", "quarantined", "duplicates", "outside window", "curated");
        foreach (var r in results)
        {
            table.AddRow(Markup.Escape(r.RawBlob), r.Records.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Quarantined.ToString(System.Globalization.CultureInfo.InvariantCulture),
                r.Duplicates.ToString(System.Globalization.CultureInfo.InvariantCulture), r.OutsideWindow.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(r.CuratedBlob ?? r.FileError ?? ""));
        }
        AnsiConsole.Write(table);
        AnsiConsole.WriteLine($"{results.Count} blob(s), {results.Sum(r => r.Records):N0} call(s), {results.Sum(r => r.Quarantined):N0} quarantined");
    }
}
