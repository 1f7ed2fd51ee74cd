using System.CommandLine;
using System.Globalization;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Pull;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace CdrFunctions.Cli.Commands;

/// <summary>The <c>GET /api/status</c> report as a table.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var command = new Command("status", "Show each vendor's checkpoint, lag, last run and last error.");
        command.SetAction((_, ct) => CliErrors.RunAsync(async () =>
        {
            await using var services = CliHost.Build();
            var report = await services.GetRequiredService<VendorStatusReader>().ReadAsync(ct).ConfigureAwait(false);
            var table = new Table().Title($"status at {IsoUtc.Format(report.Now)}")
                .AddColumns("vendor", "enabled", "schedule (UTC)", "checkpoint", "lag", "last run", "result", "last error", "normalized");
            foreach (var v in report.Vendors)
            {
                table.AddRow(
                    Markup.Escape(v.Vendor),
                    !v.Enabled ? "off" : v.Configured ? "yes" : "[yellow]not configured[/]",
                    Markup.Escape(v.Schedule),
                    Markup.Escape(IsoUtc.Format(v.Checkpoint) ?? "–"),
                    v.LagSeconds is { } lag ? Lag(TimeSpan.FromSeconds(lag)) : "–",
                    Markup.Escape(IsoUtc.Format(v.LastRunAt) ?? "never"),
                    Markup.Escape(Result(v)),
                    v.LastError is { } e ? $"[red]{Markup.Escape(e)}[/]" : "",
                    Normalized(v.Normalization));
            }
            AnsiConsole.Write(table);
            // Failures and held-back re-pulls are listed in full: they need an operator.
            foreach (var v in report.Vendors)
            {
                foreach (var f in v.Normalization?.RecentFailures ?? [])
                {
                    AnsiConsole.MarkupLine($"[red]{Markup.Escape(v.Vendor)}: normalizing {Markup.Escape(f.BlobName)} failed at {Markup.Escape(IsoUtc.Format(f.At) ?? "")}: {Markup.Escape(f.Reason ?? "")}[/]");
                }
                foreach (var shrink in v.PendingShrinks)
                {
                    AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(v.Vendor)}: re-pull held back: {Markup.Escape(shrink)}[/]");
                }
            }
            return CliErrors.Ok;
        }));
        return command;
    }

    private static string Lag(TimeSpan lag) =>
        lag.TotalDays >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)lag.TotalDays}d {lag.Hours}h")
        : string.Create(CultureInfo.InvariantCulture, $"{(int)lag.TotalHours}h {lag.Minutes:00}m");

    private static string Normalized(CdrFunctions.Pipeline.Normalize.NormalizationSummary? n) =>
        n is null ? "–"
        : string.Create(CultureInfo.InvariantCulture, $"{n.Blobs} blobs, {(n.Failed > 0 ? $"[red]{n.Failed} failed[/]" : "0 failed")}, {n.QuarantinedRecords} quarantined, {n.UnconfirmedCalls} unconfirmed");

    private static string Result(VendorStatus v)
    {
        if (v.LastRun is not { ValueKind: System.Text.Json.JsonValueKind.Object } run)
        {
            return "";
        }
        string Field(string name) => run.TryGetProperty(name, out var p) ? p.ToString() : "?";
        return $"{Field("status")}: {Field("windows")} windows, {Field("records")} records, {Field("retries")} retries";
    }
}
