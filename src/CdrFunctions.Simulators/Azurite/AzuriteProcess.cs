using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace CdrFunctions.Simulators.Azurite;

/// <summary>
/// A private Azurite (Blob, Queue and Table) for tests and local runs, on free ports by default.
/// Dispose kills the whole process tree. The process is also killed when this process exits
/// normally (<see cref="AppDomain.ProcessExit"/>) and, on Linux/macOS, by a small watchdog when
/// this process dies without running any managed code (crash, SIGKILL).
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
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
        var executable = AzuriteLocator.FindExecutable()
            ?? throw new InvalidOperationException(AzuriteLocator.NotFoundMessage());

        var psi = options.StartInfo(executable, Host, AccountName, AccountKey);
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var output = new AzuriteOutput();
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        output.Attach(process);
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
            var first = await Task.WhenAny(output.AllListening, exited.Task, delay).ConfigureAwait(false);
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
            process.Dispose();
            watchdog?.Dispose();
            throw new InvalidOperationException(
                failure
                + Environment.NewLine + output.Describe()
                + Environment.NewLine + $"Azurite needs Node.js >= 20; reinstall it with `{AzuriteLocator.InstallCommand}` from the repository root.");
        }

        var (blob, queue, table) = output.Ports;
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

    private static async Task KillAsync(Process process, Process? watchdog)
    {
        await KillTreeAsync(process).ConfigureAwait(false);
        if (watchdog is not null)
        {
            await KillTreeAsync(watchdog).ConfigureAwait(false);
        }
    }

    private static async Task KillTreeAsync(Process process)
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
