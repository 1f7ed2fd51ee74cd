using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace CdrFunctions.Tests.Cli;

/// <summary>A long-running <c>cdr</c> command (run, demo) with its output collected, stopped with SIGINT as Ctrl+C would.</summary>
internal sealed class LiveCdrProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private LiveCdrProcess(Process process) => _process = process;

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public int ExitCode => _process.ExitCode;

    public bool HasExited => _process.HasExited;

    public static LiveCdrProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cdr.dll"));
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        foreach (var (k, v) in environment)
        {
            info.Environment[k] = v;
        }
        var live = new LiveCdrProcess(Process.Start(info)!);
        live._process.OutputDataReceived += (_, e) => Append(live._stdout, e.Data);
        live._process.ErrorDataReceived += (_, e) => Append(live._stderr, e.Data);
        live._process.BeginOutputReadLine();
        live._process.BeginErrorReadLine();
        return live;
    }

    private static void Append(StringBuilder sb, string? line)
    {
        lock (sb)
        {
            sb.AppendLine(line);
        }
    }

    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Stdout.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"'{text}' did not appear. stdout:\n{Stdout}\nstderr:\n{Stderr}");
            }
            await Task.Delay(200);
        }
    }

    public async Task InterruptAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
    }

    /// <summary>SIGKILL, as a crash or the OOM killer ends a process: no cleanup runs. Returns once it is gone.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}
