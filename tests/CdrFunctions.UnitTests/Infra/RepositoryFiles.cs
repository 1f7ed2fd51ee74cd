using System.Reflection;

namespace CdrFunctions.Tests.Infra;

/// <summary>Paths the build baked into the test assembly (see the .csproj): the repository and the Bicep package.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = Metadata("RepositoryRoot")
        ?? throw new InvalidOperationException("The test assembly lacks the RepositoryRoot metadata.");

    public static string Infra => Path.Combine(Root, "infra");

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    public static string? Metadata(string key) => typeof(RepositoryFiles).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == key)?.Value is { Length: > 0 } value ? value : null;
}
