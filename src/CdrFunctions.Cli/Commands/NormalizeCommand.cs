using System.CommandLine;
using CdrFunctions.Pipeline.Normalize;
using Microsoft.Extensions.DependencyInjection;

namespace CdrFunctions.Cli.Commands;

internal static class NormalizeCommand
{
    public static Command Create()
    {
        var range = RangeOptions.Create("Start of the range (inclusive): windows starting at or after it.");
        var command = range.Command("normalize", "(Re)process the raw blobs of [from, to) into the table, curated CSV and quarantine. Safe to repeat.");
        command.SetAction((parse, ct) => CliErrors.RunAsync(async () =>
        {
            if (range.Read(parse) is not var (vendor, start, end))
            {
                return CliErrors.Usage;
            }
            await using var services = CliHost.Build();
            var results = await NormalizeRangeAsync(services.GetRequiredService<Normalizer>(), vendor, start, end, ct).ConfigureAwait(false);
            Reports.Print(results);
            return CliErrors.Ok;
        }));
        return command;
    }

    internal static async Task<List<NormalizeResult>> NormalizeRangeAsync(Normalizer normalizer, string vendor, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var blobs = await normalizer.ListRawBlobsAsync(vendor, from, to, ct).ConfigureAwait(false);
        var results = new List<NormalizeResult>(blobs.Count);
        await Progress.RunAsync(ProgressLine.Normalize, async progress =>
        {
            foreach (var blob in blobs)
            {
                progress.Report(new(results.Count, blobs.Count, results.Sum(r => (long)r.Records), null));
                results.Add(await normalizer.NormalizeAsync(blob, ct).ConfigureAwait(false));
            }
            progress.Report(new(results.Count, blobs.Count, results.Sum(r => (long)r.Records), null));
            return results;
        }).ConfigureAwait(false);
        return results;
    }
}
