namespace CdrFunctions.Pipeline.Storage;

/// <summary>
/// Fixed names: the Functions blob trigger cannot take its container from settings, and Power BI and the
/// Bicep templates point at these, so they are part of the product, not configuration.
/// </summary>
public static class CdrStorageNames
{
    public const string RawContainer = "cdr-raw";
    public const string CuratedContainer = "cdr-curated";
    public const string QuarantineContainer = "cdr-quarantine";
    public const string CallsTable = "CdrCalls";
    public const string CheckpointsTable = "CdrCheckpoints";

    /// <summary>Raw blob ETags the local poller (<c>cdr run</c>) has normalized; the Functions runtime keeps its own receipts.</summary>
    public const string ReceiptsTable = "CdrReceipts";

    /// <summary>Which raw blobs hold which calls: decides each call's one owner (see the normalizer).</summary>
    public const string ClaimsTable = "CdrClaims";

    /// <summary>Each raw blob's last normalization result (ok, quarantined, failed with the reason).</summary>
    public const string BlobStatusTable = "CdrBlobStatus";

    /// <summary>Configuration key (and app-setting prefix) of the data storage connection.</summary>
    public const string ConnectionName = "CdrStorage";
}
