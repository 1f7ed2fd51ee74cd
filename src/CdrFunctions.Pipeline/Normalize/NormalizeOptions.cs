namespace CdrFunctions.Pipeline.Normalize;

/// <summary>
/// How much of one raw window a normalization keeps in memory (<c>Normalize:</c> in configuration). Past
/// <see cref="RecordsInMemory"/> records, the rest of the window's records go to a temporary file and only their keys
/// stay in memory, so a window's memory does not grow with its size beyond its calls' keys.
/// </summary>
public sealed class NormalizeOptions
{
    public const string Section = "Normalize";

    public const int MaxRecordsInMemory = 10_000_000;

    /// <summary>
    /// Records of one raw file held in memory; the rest are spilled to a temporary file. The default keeps every
    /// window the vendors send in an hour in memory (the common case, as fast as before) and bounds a backfilled day.
    /// <c>0</c> spills every record.
    /// </summary>
    public int RecordsInMemory { get; set; } = 50_000;

    /// <summary>Where spilled records and large curated files are staged; the system's temporary folder when empty.</summary>
    public string? TempDirectory { get; set; }

    /// <summary>The folder temporary files go to.</summary>
    public string TempFolder => string.IsNullOrWhiteSpace(TempDirectory) ? Path.GetTempPath() : TempDirectory;

    /// <summary>Whether <see cref="TempDirectory"/> is unset or an absolute path.</summary>
    public bool HasValidTempDirectory => string.IsNullOrEmpty(TempDirectory) || (!string.IsNullOrWhiteSpace(TempDirectory) && Path.IsPathFullyQualified(TempDirectory));
}
