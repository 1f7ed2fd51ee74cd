using System.CommandLine;
using CdrFunctions.Pipeline.Pull;
using Microsoft.Extensions.DependencyInjection;

namespace CdrFunctions.Cli.Commands;

internal static class PullCommand
{
    public static Command Create()
    {
        var vendor = CliOptions.Vendor();
        var from = CliOptions.Utc("--from", "Start of the range (inclusive).", required: true);
        var to = CliOptions.Utc("--to", "End of the range (exclusive).", required: true);
        var command = new Command("pull", "Land the vendor's raw CDRs of [from, to), one blob per window (a backfill: the schedule's checkpoint is left alone).")
        {
            vendor, from, to,
        };
        command.SetAction((parse, ct) => CliErrors.RunAsync(async () =>
        {
            var (start, end) = (parse.GetValue(from), parse.GetValue(to));
            if (start >= end)
            {
                return CliErrors.Fail("--from must be before --to.", CliErrors.Usage);
            }
            await using var services = CliHost.Build();
            var runner = services.GetRequiredService<PullRunner>();
            var result = await Progress.RunAsync("pull", p => runner.BackfillAsync(parse.GetValue(vendor)!, start, end, p, ct)).ConfigureAwait(false);
            Reports.Print(result);
            return result.Status == PullRunStatus.Failed ? CliErrors.Failed : CliErrors.Ok;
        }));
        return command;
    }
}
