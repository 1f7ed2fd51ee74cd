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
}
