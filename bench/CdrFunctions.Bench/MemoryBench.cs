using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace CdrFunctions.Bench;

/// <summary>
/// Peak working set of normalizing one raw window of N records, each size in a fresh process (a peak only
/// grows): the parent writes the window to a temporary file, the child normalizes it from a file stream, as
/// from the blob's download stream, and reports its peak.
/// </summary>
internal static class MemoryBench
{
    public const string ChildFlag = "--memory-child";

    public static async Task<double> MeasureAsync(int records, CancellationToken cancellationToken)
    {
        var file = Path.Combine(Path.GetTempPath(), $"cdr-bench-{Environment.ProcessId}-{records}.json");
        try
        {
            await RawWindow.WriteFileAsync(file, records, cancellationToken);
            var self = Environment.ProcessPath ?? "dotnet";
            var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            {
                start.ArgumentList.Add(typeof(MemoryBench).Assembly.Location);
            }
            foreach (var arg in new[] { ChildFlag, file, records.ToString(CultureInfo.InvariantCulture) })
            {
                start.ArgumentList.Add(arg);
            }
            using var child = Process.Start(start) ?? throw new InvalidOperationException("Could not start the memory child process.");
            var output = await child.StandardOutput.ReadToEndAsync(cancellationToken);
            await child.WaitForExitAsync(cancellationToken);
            if (child.ExitCode != 0)
            {
                throw new InvalidOperationException($"The memory child for {records:N0} records exited with {child.ExitCode}: {output}");
            }
            return JsonDocument.Parse(output).RootElement.GetProperty("peakWorkingSetMb").GetDouble();
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The child: normalize the file, then print the process's peak working set.</summary>
    public static async Task<int> RunChildAsync(string file, int records, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
        var normalized = await CpuPipeline.NormalizeStreamAsync(stream, cancellationToken);
        if (normalized != records)
        {
            await Console.Error.WriteLineAsync($"Expected {records:N0} records, normalized {normalized:N0}.");
            return 1;
        }
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        Console.WriteLine(JsonSerializer.Serialize(new { records, peakWorkingSetMb = self.PeakWorkingSet64 / 1024.0 / 1024.0 }));
        return 0;
    }
}
