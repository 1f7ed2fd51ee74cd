using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace CdrFunctions.Bench;

/// <summary>
/// Peak working set of normalizing one raw window of N records, each size in a fresh process (a peak only
/// grows): the parent writes the window to a temporary file, the child normalizes it and reports its peak. Two
/// children: the CPU model (<see cref="CpuPipeline"/>, the window read from a file stream, nothing stored), and the
/// real <see cref="Pipeline.Normalize.Normalizer"/> wired as the app wires it, on a private Azurite holding the window
/// landed from the file (Azurite runs in its own process, so its memory is not counted), with the default options or
/// with <see cref="SpillingRecordsInMemory"/> records in memory, so that the sizes Azurite takes in minutes run past
/// the in-memory limit as a large window does.
/// </summary>
internal static class MemoryBench
{
    public const string ChildFlag = "--memory-child";

    /// <summary><c>System.GC.ConserveMemory</c> in the runtimeconfig of the Functions app and of <c>cdr</c>.</summary>
    public const string AppGcConserveMemory = "5";

    /// <summary><c>Normalize:RecordsInMemory</c> of the spilling normalizer child.</summary>
    public const int SpillingRecordsInMemory = 1_000;

    /// <summary>Which child: the CPU model, or the real normalizer into Azurite with the default options or spilling.</summary>
    public enum Child
    {
        CpuModel,
        Normalizer,
        SpillingNormalizer,
    }

    public static async Task<double> MeasureAsync(Child child, int records, CancellationToken cancellationToken)
    {
        var file = Path.Combine(Path.GetTempPath(), $"cdr-bench-{Environment.ProcessId}-{records}.json");
        try
        {
            await RawWindow.WriteFileAsync(file, records, cancellationToken);
            var self = Environment.ProcessPath ?? "dotnet";
            var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
            // The GC setting the app's runtimeconfig has (src/CdrFunctions, cdr): the child runs as production does.
            start.Environment["DOTNET_GCConserveMemory"] = AppGcConserveMemory;
            if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            {
                start.ArgumentList.Add(typeof(MemoryBench).Assembly.Location);
            }
            foreach (var arg in new[] { ChildFlag, child.ToString(), file, records.ToString(CultureInfo.InvariantCulture) })
            {
                start.ArgumentList.Add(arg);
            }
            using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the memory child process.");
            var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"The {child} memory child for {records:N0} records exited with {process.ExitCode}: {output}");
            }
            return JsonDocument.Parse(output).RootElement.GetProperty("peakWorkingSetMb").GetDouble();
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The child: normalize the file, then print the process's peak working set.</summary>
    public static async Task<int> RunChildAsync(string child, string file, int records, CancellationToken cancellationToken)
    {
        var normalized = Enum.Parse<Child>(child) switch
        {
            Child.CpuModel => await NormalizeCpuModelAsync(file, cancellationToken),
            Child.SpillingNormalizer => await NormalizeIntoAzuriteAsync(file, records, SpillingRecordsInMemory, cancellationToken),
            _ => await NormalizeIntoAzuriteAsync(file, records, recordsInMemory: null, cancellationToken),
        };
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

    private static async Task<int> NormalizeCpuModelAsync(string file, CancellationToken cancellationToken)
    {
        await using var stream = OpenRead(file);
        return await CpuPipeline.NormalizeStreamAsync(stream, cancellationToken);
    }

    private static async Task<int> NormalizeIntoAzuriteAsync(string file, int records, int? recordsInMemory, CancellationToken cancellationToken)
    {
        string sha256;
        await using (var hashing = OpenRead(file))
        {
            sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(hashing, cancellationToken));
        }
        await using var raw = OpenRead(file);
        var settings = recordsInMemory is { } n ? new Dictionary<string, string?> { ["Normalize:RecordsInMemory"] = n.ToString(CultureInfo.InvariantCulture) } : [];
        await using var bench = await AzuriteBench.StartAsync(raw, sha256, records, settings, cancellationToken);
        await bench.NormalizeAsync(cancellationToken);
        return records;
    }

    private static FileStream OpenRead(string file) => new(file, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
}
