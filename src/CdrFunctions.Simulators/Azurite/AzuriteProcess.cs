using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CdrFunctions.Simulators.Azurite;

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
    // Generous: on a loaded machine (CI, parallel builds) Node alone can take tens of seconds to start.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly Process? _watchdog;
    private readonly EventHandler _onProcessExit;
    private int _disposed;

    private AzuriteProcess(Process process, Process? watchdog, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        _watchdog = watchdog;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
        ConnectionString = ConnectionStringFor(AccountName);
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

    /// <summary>Starts Azurite and waits (up to 2 minutes) until all three services listen.</summary>
    /// <exception cref="InvalidOperationException">Azurite is not installed, or did not start.</exception>
    public static async Task<AzuriteProcess> StartAsync(AzuriteStartOptions? options = null, CancellationToken ct = default)
    {
        options ??= new AzuriteStartOptions();
        ValidatePort(options.BlobPort, nameof(options.BlobPort));
        ValidatePort(options.QueuePort, nameof(options.QueuePort));
        ValidatePort(options.TablePort, nameof(options.TablePort));

        var executable = AzuriteLocator.FindExecutable()
            ?? throw new InvalidOperationException(NotFoundMessage());

        var psi = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            CreateNoWindow = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (options.ExtraAccounts.Count > 0)
        {
            // Custom accounts replace the default one, so it is listed too.
            psi.Environment["AZURITE_ACCOUNTS"] = string.Join(';', options.ExtraAccounts.Prepend(AccountName).Select(a => $"{a}:{AccountKey}"));
        }
        foreach (var (service, port) in new[] { ("blob", options.BlobPort), ("queue", options.QueuePort), ("table", options.TablePort) })
        {
            psi.ArgumentList.Add($"--{service}Host");
            psi.ArgumentList.Add(Host);
            psi.ArgumentList.Add($"--{service}Port");
            psi.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        }

        // --skipApiVersionCheck: Azure.Storage.Blobs sends service versions newer than Azurite 3.35 knows.
        foreach (var flag in new[] { "--inMemoryPersistence", "--disableTelemetry", "--silent", "--skipApiVersionCheck", "--loose" })
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
            throw new InvalidOperationException(
                $"Could not run Azurite at '{executable}': {ex.Message}. Node.js >= 20 must be on PATH; reinstall with `{AzuriteLocator.InstallCommand}` from the repository root.",
                ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Guard against leaks if this process dies without running managed shutdown code.
        var watchdog = ParentWatchdog.Start(process.Id);

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

        return new AzuriteProcess(process, watchdog, blob, queue, table);
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
    }

    /// <summary>Connection string of <paramref name="account"/> (<c>devstoreaccount1</c> or one of <see cref="AzuriteStartOptions.ExtraAccounts"/>).</summary>
    public string ConnectionStringFor(string account) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"DefaultEndpointsProtocol=http;AccountName={account};AccountKey={AccountKey};"
            + $"BlobEndpoint=http://{Host}:{BlobPort}/{account};"
            + $"QueueEndpoint=http://{Host}:{QueuePort}/{account};"
            + $"TableEndpoint=http://{Host}:{TablePort}/{account};");

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
}
