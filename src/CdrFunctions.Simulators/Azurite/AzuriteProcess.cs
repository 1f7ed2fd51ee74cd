using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace CdrFunctions.Simulators.Azurite;

/// <summary>Options for <see cref="AzuriteProcess.StartAsync"/>.</summary>
public sealed class AzuriteStartOptions
{
    /// <summary>Blob service port; 0 lets Azurite pick a free port.</summary>
    public int BlobPort { get; set; }

    /// <summary>Queue service port; 0 lets Azurite pick a free port.</summary>
    public int QueuePort { get; set; }

    /// <summary>Table service port; 0 lets Azurite pick a free port.</summary>
    public int TablePort { get; set; }

    /// <summary>Keep all data in memory (<c>--inMemoryPersistence</c>). Default true.</summary>
    public bool InMemory { get; set; } = true;

    /// <summary>
    /// Workspace folder (<c>--location</c>). When <see cref="InMemory"/> is false and this is null,
    /// a temporary folder is created and deleted again on dispose.
    /// </summary>
    public string? Location { get; set; }
}

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
}

/// <summary>
/// A private Azurite (Blob, Queue and Table) for tests and local runs, on free ports by default.
/// Dispose kills the whole process tree. The process is also killed when this process exits
/// normally (<see cref="AppDomain.ProcessExit"/>) and, on Linux/macOS, by a small watchdog when
/// this process dies without running any managed code (crash, SIGKILL).
/// </summary>
public sealed partial class AzuriteProcess : IAsyncDisposable
{
    /// <summary>The well-known development storage account name.</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>The well-known, public development storage account key (not a secret).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const string Host = "127.0.0.1";
    // Node starts Azurite in a second or two, but on a shared machine (load average far above the core count)
    // it has taken more than 30 s; a healthy start is never slowed by a longer limit.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly Process? _watchdog;
    private readonly string? _ownedLocation;
    private readonly EventHandler _onProcessExit;
    private int _disposed;

    private AzuriteProcess(Process process, Process? watchdog, string? ownedLocation, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        _watchdog = watchdog;
        _ownedLocation = ownedLocation;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
        ConnectionString = BuildConnectionString(blobPort, queuePort, tablePort);
        _onProcessExit = (_, _) => KillQuietly();
        AppDomain.CurrentDomain.ProcessExit += _onProcessExit;
    }

    /// <summary>Full development-storage connection string with the actual endpoints.</summary>
    public string ConnectionString { get; }

    /// <summary>Actual Blob service port.</summary>
    public int BlobPort { get; }

    /// <summary>Actual Queue service port.</summary>
    public int QueuePort { get; }

    /// <summary>Actual Table service port.</summary>
    public int TablePort { get; }

    /// <summary>Operating-system id of the Azurite process.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Starts Azurite and waits (up to 120 s) until all three services listen.</summary>
    /// <exception cref="InvalidOperationException">Azurite is not installed, or did not start.</exception>
    public static async Task<AzuriteProcess> StartAsync(AzuriteStartOptions? options = null, CancellationToken ct = default)
    {
        options ??= new AzuriteStartOptions();
        ValidatePort(options.BlobPort, nameof(options.BlobPort));
        ValidatePort(options.QueuePort, nameof(options.QueuePort));
        ValidatePort(options.TablePort, nameof(options.TablePort));

        var executable = AzuriteLocator.FindExecutable()
            ?? throw new InvalidOperationException(NotFoundMessage());

        string? ownedLocation = null;
        var location = options.Location;
        if (!options.InMemory && string.IsNullOrWhiteSpace(location))
        {
            ownedLocation = Path.Combine(Path.GetTempPath(), "azurite-" + Guid.NewGuid().ToString("N"));
            location = ownedLocation;
        }

        if (!string.IsNullOrWhiteSpace(location))
        {
            Directory.CreateDirectory(location);
        }

        var psi = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            CreateNoWindow = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = location ?? Path.GetTempPath(),
        };
        foreach (var (service, port) in new[] { ("blob", options.BlobPort), ("queue", options.QueuePort), ("table", options.TablePort) })
        {
            psi.ArgumentList.Add($"--{service}Host");
            psi.ArgumentList.Add(Host);
            psi.ArgumentList.Add($"--{service}Port");
            psi.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        }

        if (options.InMemory)
        {
            psi.ArgumentList.Add("--inMemoryPersistence");
        }

        if (!string.IsNullOrWhiteSpace(location))
        {
            psi.ArgumentList.Add("--location");
            psi.ArgumentList.Add(location);
        }

        // --skipApiVersionCheck: Azure.Storage.Blobs sends service versions newer than Azurite 3.35 knows.
        foreach (var flag in new[] { "--disableTelemetry", "--silent", "--skipApiVersionCheck", "--loose" })
        {
            psi.ArgumentList.Add(flag);
        }

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var ports = new Dictionary<string, int>(StringComparer.Ordinal);
        var allListening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (stdout)
            {
                if (stdout.Length < 64 * 1024)
                {
                    stdout.AppendLine(e.Data);
                }

                var match = ListeningLine().Match(e.Data);
                if (match.Success && int.TryParse(match.Groups["port"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
                {
                    ports[match.Groups["service"].Value] = port;
                    if (ports.Count == 3)
                    {
                        allListening.TrySetResult();
                    }
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (stderr)
            {
                if (stderr.Length < 64 * 1024)
                {
                    stderr.AppendLine(e.Data);
                }
            }
        };
        process.Exited += (_, _) => exited.TrySetResult();

        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            DeleteQuietly(ownedLocation);
            throw new InvalidOperationException(
                $"Could not run Azurite at '{executable}': {ex.Message}. Node.js >= 20 must be on PATH; reinstall with `{AzuriteLocator.InstallCommand}` from the repository root.",
                ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Guard against leaks if this process dies without running managed shutdown code.
        var watchdog = StartWatchdog(process.Id);

        string? failure = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(StartTimeout);
            var delay = Task.Delay(Timeout.InfiniteTimeSpan, timeout.Token);
            var first = await Task.WhenAny(allListening.Task, exited.Task, delay).ConfigureAwait(false);
            if (first == exited.Task)
            {
                // Let the asynchronous readers flush the last lines before reporting.
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                failure = $"Azurite ({executable}) exited with code {process.ExitCode} before all services were listening.";
            }
            else if (first == delay)
            {
                ct.ThrowIfCancellationRequested();
                failure = $"Azurite ({executable}) did not report Blob, Queue and Table listening within {StartTimeout.TotalSeconds:0} s.";
            }
        }
        catch
        {
            await KillAsync(process, watchdog).ConfigureAwait(false);
            process.Dispose();
            watchdog?.Dispose();
            DeleteQuietly(ownedLocation);
            throw;
        }

        if (failure is not null)
        {
            await KillAsync(process, watchdog).ConfigureAwait(false);
            string outText, errText;
            lock (stdout)
            {
                outText = stdout.ToString().Trim();
            }

            lock (stderr)
            {
                errText = stderr.ToString().Trim();
            }

            process.Dispose();
            watchdog?.Dispose();
            DeleteQuietly(ownedLocation);
            throw new InvalidOperationException(
                failure
                + Environment.NewLine + "stderr: " + (errText.Length == 0 ? "(empty)" : errText)
                + Environment.NewLine + "stdout: " + (outText.Length == 0 ? "(empty)" : outText)
                + Environment.NewLine + $"Azurite needs Node.js >= 20; reinstall it with `{AzuriteLocator.InstallCommand}` from the repository root.");
        }

        int blob, queue, table;
        lock (stdout)
        {
            blob = ports["Blob"];
            queue = ports["Queue"];
            table = ports["Table"];
        }

        return new AzuriteProcess(process, watchdog, ownedLocation, blob, queue, table);
    }

    /// <summary>Kills Azurite (whole process tree) and waits for it to exit.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= _onProcessExit;
        await KillAsync(_process, _watchdog).ConfigureAwait(false);
        _process.Dispose();
        _watchdog?.Dispose();
        DeleteQuietly(_ownedLocation);
    }

    internal static string BuildConnectionString(int blobPort, int queuePort, int tablePort) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};"
            + $"BlobEndpoint=http://{Host}:{blobPort}/{AccountName};"
            + $"QueueEndpoint=http://{Host}:{queuePort}/{AccountName};"
            + $"TableEndpoint=http://{Host}:{tablePort}/{AccountName};");

    [GeneratedRegex(@"Azurite (?<service>Blob|Queue|Table) service is successfully listening at https?://[^\s]*:(?<port>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex ListeningLine();

    private static void ValidatePort(int port, string name)
    {
        if (port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(name, port, "Port must be between 0 (any free port) and 65535.");
        }
    }

    private static string NotFoundMessage()
    {
        var sb = new StringBuilder("Azurite was not found. Looked for:");
        var fromEnv = Environment.GetEnvironmentVariable(AzuriteLocator.PathVariable);
        sb.AppendLine();
        sb.Append("  - $").Append(AzuriteLocator.PathVariable).Append(": ")
            .Append(string.IsNullOrWhiteSpace(fromEnv) ? "(not set)" : fromEnv + " (file does not exist)");
        foreach (var candidate in AzuriteLocator.RepositoryCandidates())
        {
            sb.AppendLine().Append("  - ").Append(candidate);
        }

        sb.AppendLine().Append("  - ").Append(AzuriteLocator.ExecutableName).Append(" on PATH");
        sb.AppendLine().Append("Install the pinned version (needs Node.js >= 20) from the repository root with: ")
            .Append(AzuriteLocator.InstallCommand);
        return sb.ToString();
    }

    /// <summary>
    /// On Unix, a shell loop that kills Azurite once this process is gone (covers crashes and SIGKILL,
    /// where neither Dispose nor ProcessExit run). It ends by itself when Azurite ends.
    /// </summary>
    private static Process? StartWatchdog(int azuritePid)
    {
        if (OperatingSystem.IsWindows() || !File.Exists("/bin/sh"))
        {
            return null;
        }

        var parent = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var child = azuritePid.ToString(CultureInfo.InvariantCulture);
        var psi = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(
            $"while kill -0 {parent} 2>/dev/null && kill -0 {child} 2>/dev/null; do sleep 1; done; "
            + $"if kill -0 {child} 2>/dev/null; then kill -TERM {child}; sleep 2; "
            + $"if kill -0 {child} 2>/dev/null; then kill -KILL {child}; fi; fi; exit 0");
        try
        {
            return Process.Start(psi);
        }
        catch (Win32Exception)
        {
            return null;
        }
    }

    private static async Task KillAsync(Process process, Process? watchdog)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            using var cts = new CancellationTokenSource(StopTimeout);
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or OperationCanceledException or NotSupportedException)
        {
            // Already gone, or not killable; nothing more we can do.
        }

        if (watchdog is not null)
        {
            try
            {
                if (!watchdog.HasExited)
                {
                    watchdog.Kill(entireProcessTree: true);
                }

                using var cts = new CancellationTokenSource(StopTimeout);
                await watchdog.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or OperationCanceledException or NotSupportedException)
            {
                // Best effort.
            }
        }
    }

    private void KillQuietly()
    {
        foreach (var process in new[] { _process, _watchdog })
        {
            try
            {
                if (process is not null && !process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(StopTimeout);
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or NotSupportedException)
            {
                // Best effort during shutdown.
            }
        }
    }

    private static void DeleteQuietly(string? directory)
    {
        if (directory is null)
        {
            return;
        }

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Temp folder; leaving it behind is harmless.
        }
    }
}
