using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace CdrFunctions.Simulators.Azurite;

internal static class ParentWatchdog
{
    /// <summary>
    /// On Unix, a shell loop that kills Azurite once this process is gone (covers crashes and SIGKILL,
    /// where neither Dispose nor ProcessExit run). It ends by itself when Azurite ends.
    /// </summary>
    public static Process? Start(int azuritePid)
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
}
