using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Time;

namespace CdrFunctions.Pipeline.Vendors;

/// <summary>
/// What the pipeline needs of a vendor: pull one window's raw bytes, and parse raw bytes into calls.
/// Everything else (windows, landing, tables, lookups) is the pipeline's and never names a vendor.
/// </summary>
public interface ICdrVendor
{
    /// <summary>Lower-case name used in configuration, blob paths, table keys and URLs (its configuration section's name in lower case).</summary>
    string Name { get; }

    /// <summary>File extension of the raw blobs, without the dot (<c>json</c>, <c>csv</c>).</summary>
    string RawExtension { get; }

    /// <summary>Window length, lookback, settle delay and batch limits of the scheduled pull.</summary>
    PullSchedule Schedule { get; }

    /// <summary>True when the vendor has the settings it needs to pull (credentials, host).</summary>
    bool IsConfigured { get; }

    /// <summary>Writes every page of the window to <paramref name="sink"/> exactly as the vendor sent it.</summary>
    Task PullAsync(TimeWindow window, IRawSink sink, CancellationToken cancellationToken);

    /// <summary>Turns a raw file into calls and quarantine entries, streaming; never throws for bad data.</summary>
    IAsyncEnumerable<ParseResult> ParseAsync(Stream raw, RawFileInfo file, CancellationToken cancellationToken);
}

/// <summary>Where a vendor writes the raw bytes of one window while pulling.</summary>
public interface IRawSink
{
    ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken);

    /// <summary>Counts records as pages arrive; ends up in the blob's metadata.</summary>
    void AddRecords(int count);

    /// <summary>
    /// Something an operator should see although the window landed (e.g. the vendor's own count disagrees
    /// with what was landed); it is carried into the run result's warnings.
    /// </summary>
    void AddWarning(string warning);
}

/// <summary>What a parser knows about the file it reads.</summary>
/// <param name="BlobName">Name inside the raw container, recorded on every call as its source.</param>
/// <param name="Window">The window the file was pulled for, when known.</param>
public sealed record RawFileInfo(string BlobName, TimeWindow? Window);
