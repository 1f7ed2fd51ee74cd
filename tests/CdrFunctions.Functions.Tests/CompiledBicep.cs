using System.Diagnostics;

namespace CdrFunctions.Functions.Tests;

/// <summary>infra/main.bicep compiled to its ARM JSON (modules inlined) by the Bicep CLI from the NuGet package.</summary>
internal static class CompiledBicep
{
    public static readonly Lazy<Task<string>> Main = new(() => BuildAsync(RepositoryFiles.PathOf("infra", "main.bicep")));

    private static async Task<string> BuildAsync(string file)
    {
        var binary = Path.Combine(RepositoryFiles.OptionalMetadata("BicepPackageDirectory")
            ?? throw new InvalidOperationException("The test assembly lacks BicepPackageDirectory."), "tools", "bicep");
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(binary) & UnixFileMode.UserExecute) == 0)
        {
            File.SetUnixFileMode(binary, File.GetUnixFileMode(binary) | UnixFileMode.UserExecute);
        }
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "build", file, "--stdout" })
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? await stdout : throw new InvalidOperationException($"bicep build {file} failed: {await stderr}");
    }
}
