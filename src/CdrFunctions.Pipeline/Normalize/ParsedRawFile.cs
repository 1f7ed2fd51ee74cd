using CdrFunctions.Pipeline.Model;

namespace CdrFunctions.Pipeline.Normalize;

/// <summary>
/// What one raw file holds once parsed: the calls of its window, the calls outside it and what was quarantined.
/// Disposing it removes the temporary file its calls may have spilled to.
/// </summary>
public sealed class ParsedRawFile(CallRecordStore calls) : IDisposable
{
    /// <summary>The calls of the file's window by id; a later copy of an id replaces the earlier one.</summary>
    public CallRecordStore Calls { get; } = calls;

    /// <summary>Calls that start outside the file's window, with the window blob that owns each.</summary>
    public Dictionary<string, StrayCall> Strays { get; } = new(StringComparer.Ordinal);

    public List<Quarantined> Quarantined { get; } = [];

    /// <summary>Earlier windows that own calls whose later parts are in this file (they are normalized again).</summary>
    public SortedSet<string> EarlierOwners { get; } = new(StringComparer.Ordinal);

    public int Duplicates { get; set; }

    /// <summary>Calls that carry warnings (text replaced, values unknown) in their extras.</summary>
    public int Warned { get; set; }

    /// <summary>Strays that are later parts of calls an earlier window owns (expected, not a zone problem).</summary>
    public int LaterParts { get; set; }

    /// <summary>The reason of the first file-level quarantine entry (the file could not be read to its end).</summary>
    public string? FileError { get; set; }

    public void Dispose() => Calls.Dispose();
}
