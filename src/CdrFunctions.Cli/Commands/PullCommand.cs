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
            var result = await Progress.RunAsync(ProgressLine.Pull("pull"), p => runner.BackfillAsync(vendor, start, end, p, ct)).ConfigureAwait(false);
            Reports.Print(result);
            return result.Status switch
            {
                PullRunStatus.Failed => CliErrors.Failed,
                // Nothing was pulled: a script or scheduler must not read that as success.
                PullRunStatus.LeaseHeld => CliErrors.Fail(result.Warnings.Count > 0 ? result.Warnings[0] : $"another run holds the {result.Vendor} run lease; nothing was pulled", CliErrors.Failed),
                _ => CliErrors.Ok,
            };
        }));
        return command;
    }
}
