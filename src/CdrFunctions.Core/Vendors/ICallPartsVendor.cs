using CdrFunctions.Pipeline.Model;

namespace CdrFunctions.Pipeline.Vendors;

/// <summary>
/// A vendor whose raw files hold parts of calls filed by the time each part ended (RingCX
/// interaction-metadata returns the segments that ended in a window), so a long call's parts land in the
/// files of two or more windows. The window where the call starts owns it (one owner per row): the
/// normalizer parses a window's file together with the files of the windows after it, and when a later
/// file holds parts of calls owned by an earlier window, it normalizes that owner window again.
/// </summary>
public interface ICallPartsVendor
{
    /// <summary>How long after its own window a call's parts may still arrive; zero when files hold whole calls.</summary>
    TimeSpan PartsSpan { get; }

    /// <summary>
    /// Calls of <paramref name="own"/> (every call with a part in it) completed with their parts from
    /// <paramref name="followers"/>, plus calls found only in the followers that start in the own file's
    /// window. Bad records of the own file are quarantined; those of followers belong to their own files.
    /// </summary>
    IAsyncEnumerable<ParseResult> ParseWithFollowersAsync(
        Stream own, RawFileInfo file, IReadOnlyList<(Stream Raw, RawFileInfo File)> followers, CancellationToken cancellationToken);
}
