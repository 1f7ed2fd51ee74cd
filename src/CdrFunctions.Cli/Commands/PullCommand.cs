using System.CommandLine;
using CdrFunctions.Pipeline.Pull;
using Microsoft.Extensions.DependencyInjection;

namespace CdrFunctions.Cli.Commands;

internal static class PullCommand
{
    public static Command Create()
    {
        var range = RangeOptions.Create("Start of the range (inclusive).");
        var command = range.Command("pull", "Land the vendor's raw CDRs of [from, to), one blob per window (a backfill: the schedule's checkpoint is left alone).");
        command.SetAction((parse, ct) => CliErrors.RunAsync(async () =>
        {
            if (range.Read(parse) is not var (vendor, start, end))
            {
                return CliErrors.Usage;
            }
            await using var services = CliHost.Build();
            var runner = services.GetRequiredService<PullRunner>();
            var result = await Progress.RunAsync("pull", p => runner.BackfillAsync(vendor, start, end, p, ct)).ConfigureAwait(false);
            Reports.Print(result);
            return result.Status == PullRunStatus.Failed ? CliErrors.Failed : CliErrors.Ok;
        }));
        return command;
    }
}
