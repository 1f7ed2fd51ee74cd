using System.Text;
using System.Net.Sockets;

namespace CdrFunctions.Simulators.Azurite;

/// <summary>Finds the Azurite executable that <c>npm ci --prefix tools</c> installs.</summary>
public static class AzuriteLocator
{
    /// <summary>Environment variable that overrides the search with an explicit path.</summary>
    public const string PathVariable = "AZURITE_PATH";

    /// <summary>The command that installs the pinned Azurite from the repository root.</summary>
    public const string InstallCommand = "npm ci --prefix tools";

    internal static string ExecutableName => OperatingSystem.IsWindows() ? "azurite.cmd" : "azurite";

    /// <summary>Path of the repository-local install relative to the repository root.</summary>
    internal static string RelativeToolPath => Path.Combine("tools", "node_modules", ".bin", ExecutableName);

    /// <summary>
    /// Returns the Azurite executable: <c>AZURITE_PATH</c> if it names an existing file, else
    /// <c>tools/node_modules/.bin/azurite</c> in the nearest ancestor of <see cref="AppContext.BaseDirectory"/>
    /// or of the current directory, else <c>azurite</c> on PATH; null when none exists.
    /// </summary>
    public static string? FindExecutable()
    {
        foreach (var candidate in Candidates())
        {
            if (File.Exists(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }

        return null;
    }

    /// <summary>True when something accepts TCP connections on <paramref name="host"/>:<paramref name="port"/>.</summary>
    public static bool IsListening(string host, int port)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        if (port is <= 0 or > 65535)
        {
            return false;
        }

        using var client = new TcpClient();
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            client.ConnectAsync(host, port, cts.Token).AsTask().GetAwaiter().GetResult();
            return client.Connected;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Every path <see cref="FindExecutable"/> considers, in order (for error messages).</summary>
    internal static IEnumerable<string> Candidates()
    {
        var fromEnv = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            yield return fromEnv;
        }

        foreach (var candidate in RepositoryCandidates())
        {
            yield return candidate;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            yield return Path.Combine(dir, ExecutableName);
        }
    }

    /// <summary>The repository-local paths searched (not PATH), for error messages.</summary>
    internal static IReadOnlyList<string> RepositoryCandidates()
    {
        var list = new List<string>();
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, RelativeToolPath);
                if (!list.Contains(candidate))
                {
                    list.Add(candidate);
                }
            }
        }

        return list;
    }

    /// <summary>Where Azurite was looked for and how to install it.</summary>
    internal static string NotFoundMessage()
    {
        var sb = new StringBuilder("Azurite was not found. Looked for:");
        var fromEnv = Environment.GetEnvironmentVariable(PathVariable);
        sb.AppendLine();
        sb.Append("  - $").Append(PathVariable).Append(": ")
            .Append(string.IsNullOrWhiteSpace(fromEnv) ? "(not set)" : fromEnv + " (file does not exist)");
        foreach (var candidate in RepositoryCandidates())
        {
            sb.AppendLine().Append("  - ").Append(candidate);
        }

        sb.AppendLine().Append("  - ").Append(ExecutableName).Append(" on PATH");
        sb.AppendLine().Append("Install the pinned version (needs Node.js >= 20) from the repository root with: ")
            .Append(InstallCommand);
        return sb.ToString();
    }
}
