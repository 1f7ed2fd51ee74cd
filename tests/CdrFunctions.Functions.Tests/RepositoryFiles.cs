using System.Reflection;
using System.Text.Json;

namespace CdrFunctions.Functions.Tests;

/// <summary>Paths the build baked into the test assembly (see the .csproj) and the repository's settings files.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = Metadata("RepositoryRoot");

    /// <summary>The Functions app's build output, where the SDK writes functions.metadata.</summary>
    public static string FunctionsAppOutput { get; } = Metadata("FunctionsAppOutput");

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>local.settings.sample.json's <c>Values</c>, as written (app-setting names with <c>__</c>).</summary>
    public static IReadOnlyDictionary<string, string> SampleSettingValues()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(PathOf("local.settings.sample.json")));
        return sample.RootElement.GetProperty("Values").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal);
    }

    /// <summary>The sample's values as configuration keys, the way the environment provider turns <c>__</c> into <c>:</c>.</summary>
    public static Dictionary<string, string?> SampleConfiguration() => SampleSettingValues()
        .ToDictionary(p => p.Key.Replace("__", ":", StringComparison.Ordinal), p => (string?)p.Value, StringComparer.OrdinalIgnoreCase);

    public static string? OptionalMetadata(string key) => typeof(RepositoryFiles).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == key)?.Value is { Length: > 0 } value ? value : null;

    private static string Metadata(string key) => OptionalMetadata(key)
        ?? throw new InvalidOperationException($"The test assembly lacks the {key} metadata.");
}
