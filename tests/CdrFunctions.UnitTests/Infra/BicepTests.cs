using System.Text.Json;

namespace CdrFunctions.Tests.Infra;

/// <summary>Every Bicep file compiles, and the compiler's linter (default rules) reports nothing at all.</summary>
public class BicepTests
{
    public static TheoryData<string> BicepFiles() => new(Files());

    private static IEnumerable<string> Files() =>
        Directory.EnumerateFiles(RepositoryFiles.Infra, "*.bicep", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(RepositoryFiles.Infra, file).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public async Task Compiles_and_lints_without_errors_or_warnings(string file)
    {
        // `build` compiles and runs the linter (rules from bicepconfig.json, or the defaults) in one process;
        // every diagnostic, compiler or linter, is written to stderr.
        var build = await BicepCli.RunAsync("build", file, "--stdout");
        Assert.True(build.ExitCode == 0 && build.Stderr.Trim().Length == 0,
            $"bicep build {file} exited {build.ExitCode}:\n{build.Stderr}");
        using var template = JsonDocument.Parse(build.Stdout);
        Assert.Contains("deploymentTemplate.json", template.RootElement.GetProperty("$schema").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Infra_has_the_main_template_and_its_modules()
    {
        var files = Files().ToList();
        Assert.Contains("main.bicep", files);
        Assert.All(["storage", "functionapp", "monitoring", "keyvault", "rbac", "eventgrid", "identity"],
            module => Assert.Contains($"modules/{module}.bicep", files));
    }
}
