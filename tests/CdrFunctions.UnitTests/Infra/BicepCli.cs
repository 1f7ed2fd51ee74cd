using System.Diagnostics;

namespace CdrFunctions.Tests.Infra;

/// <summary>
/// The Bicep CLI from the NuGet package Azure.Bicep.CommandLine.linux-x64 (restored with the tests, so the
/// native binary sits in the package cache under tools/bicep).
/// </summary>
internal static class BicepCli
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    private static readonly Lazy<string> Executable = new(Locate);

    public static async Task<Result> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Executable.Value)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryFiles.Infra,
        };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        // No telemetry, and no update check against the network.
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    private static string Locate()
    {
        var packageDir = RepositoryFiles.Metadata("BicepPackageDirectory")
            ?? throw new InvalidOperationException("The test assembly lacks BicepPackageDirectory: is Azure.Bicep.CommandLine.linux-x64 referenced with GeneratePathProperty?");
        var path = Path.Combine(packageDir, "tools", OperatingSystem.IsWindows() ? "bicep.exe" : "bicep");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The Bicep CLI is not at {path}; restore the test project.", path);
        }
        // NuGet extracts the binary without guaranteeing the execute bit for every user.
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            const UnixFileMode execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            if ((mode & UnixFileMode.UserExecute) == 0)
            {
                File.SetUnixFileMode(path, mode | execute);
            }
        }
        return path;
    }
}
