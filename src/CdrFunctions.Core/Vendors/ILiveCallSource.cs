namespace CdrFunctions.Pipeline.Vendors;

/// <summary>
/// A vendor that can return one call on demand (a single-call endpoint of its API). Implemented by
/// the vendor's <see cref="ICdrVendor"/> class where its API allows it; lookups check for it.
/// </summary>
public interface ILiveCallSource
{
    /// <summary>
    /// The vendor's response for one call, in a format <see cref="ICdrVendor.ParseAsync"/> reads, or null
    /// when the vendor does not know the call.
    /// </summary>
    Task<byte[]?> FetchCallAsync(string callId, CancellationToken cancellationToken);
}
