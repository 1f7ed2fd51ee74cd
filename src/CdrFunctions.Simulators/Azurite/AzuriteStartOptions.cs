using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace CdrFunctions.Simulators.Azurite;

/// <summary>Options for <see cref="AzuriteProcess.StartAsync"/>. Data is always kept in memory.</summary>
public sealed class AzuriteStartOptions
{
    /// <summary>Blob service port; 0 lets Azurite pick a free port.</summary>
    public int BlobPort { get; set; }

    /// <summary>Queue service port; 0 lets Azurite pick a free port.</summary>
    public int QueuePort { get; set; }

    /// <summary>Table service port; 0 lets Azurite pick a free port.</summary>
    public int TablePort { get; set; }

    /// <summary>
    /// Storage accounts served besides <c>devstoreaccount1</c>, all with the well-known development key. One
    /// emulator serves many tests this way, each on its own account (see <see cref="AzuriteProcess.ConnectionStringFor"/>).
    /// </summary>
    public IReadOnlyList<string> ExtraAccounts { get; set; } = [];

    /// <summary>The command line: every service on <paramref name="host"/> at its port, in memory, quiet.</summary>
    internal ProcessStartInfo StartInfo(string executable, string host, string accountName, string accountKey)
    {
        ValidatePort(BlobPort, nameof(BlobPort));
        ValidatePort(QueuePort, nameof(QueuePort));
        ValidatePort(TablePort, nameof(TablePort));
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
        if (ExtraAccounts.Count > 0)
        {
            // Custom accounts replace the default one, so it is listed too.
            psi.Environment["AZURITE_ACCOUNTS"] = string.Join(';', ExtraAccounts.Prepend(accountName).Select(a => $"{a}:{accountKey}"));
        }
        foreach (var (service, port) in new[] { ("blob", BlobPort), ("queue", QueuePort), ("table", TablePort) })
        {
            psi.ArgumentList.Add($"--{service}Host");
            psi.ArgumentList.Add(host);
            psi.ArgumentList.Add($"--{service}Port");
            psi.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        }

        // --skipApiVersionCheck: Azure.Storage.Blobs sends service versions newer than Azurite 3.35 knows.
        foreach (var flag in new[] { "--inMemoryPersistence", "--disableTelemetry", "--silent", "--skipApiVersionCheck", "--loose" })
        {
            psi.ArgumentList.Add(flag);
        }

        return psi;
    }

    private static void ValidatePort(int port, string name)
    {
        if (port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(name, port, "Port must be between 0 (any free port) and 65535.");
        }
    }
}
