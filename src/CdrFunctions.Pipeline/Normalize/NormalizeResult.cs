namespace CdrFunctions.Pipeline.Normalize;

/// <summary>What normalizing one raw blob did.</summary>
public sealed record NormalizeResult
{
    public required string RawBlob { get; init; }
    public string? Vendor { get; init; }

    /// <summary>Distinct calls the file holds in its window (each one claimed by this blob).</summary>
    public int Records { get; init; }

    /// <summary>Of <see cref="Records"/>, the calls this blob owns (no better source holds them): its curated CSV's rows.</summary>
    public int Owned { get; init; }

    /// <summary>Calls kept with a warning (bad text replaced, an implausible time or duration left unknown).</summary>
    public int Warned { get; init; }

    /// <summary>Of <see cref="OutsideWindow"/>, the calls the owning window does not hold: reported in the quarantine container.</summary>
    public int Unconfirmed { get; init; }
    public int Quarantined { get; init; }

    /// <summary>The same call id more than once in the file; the last one wins.</summary>
    public int Duplicates { get; init; }

    /// <summary>Calls the vendor returned whose start lies outside the file's window; the window they start in owns them.</summary>
    public int OutsideWindow { get; init; }

    /// <summary>Rows removed because their call moved, changed keys or is held by no blob any more.</summary>
    public int StaleRowsRemoved { get; init; }
    public string? CuratedBlob { get; init; }

    /// <summary>The same rows as typed Parquet (the Power BI model reads these).</summary>
    public string? CuratedParquetBlob { get; init; }
    public string? QuarantineBlob { get; init; }

    /// <summary>Set when the file as a whole could not be read (it is quarantined with this reason).</summary>
    public string? FileError { get; init; }

    public string Summary =>
        $"{RawBlob}: {Records} call(s) ({Owned} owned), {Quarantined} quarantined, {Duplicates} duplicate(s), {OutsideWindow} outside the window ({Unconfirmed} unconfirmed)"
        + (Warned > 0 ? $", {Warned} with warnings" : "")
        + (StaleRowsRemoved > 0 ? $", {StaleRowsRemoved} stale row(s) removed" : "")
        + (FileError is null ? "" : $"; file error: {FileError}");
}
