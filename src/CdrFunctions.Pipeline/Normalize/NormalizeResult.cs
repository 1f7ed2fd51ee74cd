namespace CdrFunctions.Pipeline.Normalize;

/// <summary>What normalizing one raw blob did.</summary>
public sealed record NormalizeResult
{
    public required string RawBlob { get; init; }
    public string? Vendor { get; init; }

    /// <summary>Distinct calls written to the table and the curated CSV.</summary>
    public int Records { get; init; }
    public int Quarantined { get; init; }

    /// <summary>The same call id more than once in the file; the last one wins.</summary>
    public int Duplicates { get; init; }

    /// <summary>Calls the vendor returned whose start lies outside the file's window; the neighbouring window owns them.</summary>
    public int OutsideWindow { get; init; }

    /// <summary>Index rows of an earlier normalization of this blob that no longer apply (e.g. after a time-zone fix).</summary>
    public int StaleRowsRemoved { get; init; }
    public string? CuratedBlob { get; init; }

    /// <summary>The same rows as typed Parquet (the Power BI model reads these).</summary>
    public string? CuratedParquetBlob { get; init; }
    public string? QuarantineBlob { get; init; }

    /// <summary>Set when the file as a whole could not be read (it is quarantined with this reason).</summary>
    public string? FileError { get; init; }

    public string Summary =>
        $"{RawBlob}: {Records} call(s), {Quarantined} quarantined, {Duplicates} duplicate(s), {OutsideWindow} outside the window"
        + (StaleRowsRemoved > 0 ? $", {StaleRowsRemoved} stale row(s) removed" : "")
        + (FileError is null ? "" : $"; file error: {FileError}");
}
