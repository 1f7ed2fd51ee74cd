using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace CdrFunctions.Pipeline.Pull;

/// <summary>
/// Who holds a vendor's run lease (the checkpoint row's <c>LeaseOwner</c>): a fresh id per run plus the machine and
/// the process, with its start time, that took it. A run on the same machine can then tell that the holder was
/// killed or crashed and take the lease over, instead of waiting up to <see cref="PullRunner.LeaseDuration"/> for it
/// to lapse. A holder on another machine, or one written before this form, is only ever waited for.
/// </summary>
public sealed record RunLeaseOwner(string Id, string Host, int ProcessId, long ProcessStartTicks)
{
    public static RunLeaseOwner ForThisProcess()
    {
        using var process = Process.GetCurrentProcess();
        return new RunLeaseOwner(Guid.NewGuid().ToString("N"), Environment.MachineName, process.Id, StartTicks(process));
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Id}@{Host}#{ProcessId}.{ProcessStartTicks}");

    /// <summary>Reads <c>{id}@{host}#{pid}.{start ticks}</c>; null for any other form (an older lease, a bare id).</summary>
    public static RunLeaseOwner? TryParse(string? text)
    {
        var at = text?.IndexOf('@', StringComparison.Ordinal) ?? -1;
        var hash = text?.LastIndexOf('#') ?? -1;
        if (text is null || at <= 0 || hash <= at + 1)
        {
            return null;
        }
        var process = text.AsSpan(hash + 1);
        var dot = process.IndexOf('.');
        return dot > 0
            && int.TryParse(process[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            && long.TryParse(process[(dot + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            ? new RunLeaseOwner(text[..at], text[(at + 1)..hash], pid, start)
            : null;
    }

    /// <summary>
    /// True when the holder ran on this machine and its process is gone: no process has its id, or the one that
    /// has it started at another time (the id was reused).
    /// </summary>
    public bool IsGoneFromThisMachine()
    {
        if (!string.Equals(Host, Environment.MachineName, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        try
        {
            using var process = Process.GetProcessById(ProcessId);
            return Math.Abs(StartTicks(process) - ProcessStartTicks) > TimeSpan.TicksPerSecond;
        }
        catch (ArgumentException)
        {
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Exited while asked, or not ours to inspect: only an exit counts as gone.
            return e is InvalidOperationException;
        }
    }

    private static long StartTicks(Process process) => process.StartTime.ToUniversalTime().Ticks;
}
