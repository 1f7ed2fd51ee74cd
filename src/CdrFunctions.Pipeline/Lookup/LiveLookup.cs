using CdrFunctions.Pipeline.Landing;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Pipeline.Vendors;
using Microsoft.Extensions.Logging;

namespace CdrFunctions.Pipeline.Lookup;

/// <summary>
/// A call by id, asking the vendor when the table does not have it yet: what the vendor returns is landed
/// as a raw blob and normalized like any other, so a live answer leaves the same trail as a pulled one.
/// Vendor calls are limited per vendor (<see cref="LiveLookupLimiter"/>); stored calls are always served.
/// </summary>
public sealed class LiveLookup(
    CallLookup lookup, VendorCatalog vendors, RawLander lander, Normalizer normalizer, LiveLookupLimiter limiter, ILogger<LiveLookup> logger)
{
    public async Task<CallRecord?> GetAsync(string vendorName, string callId, bool live, CancellationToken cancellationToken)
    {
        var vendor = vendors.Get(vendorName);
        var stored = await lookup.GetAsync(vendor.Name, callId, cancellationToken).ConfigureAwait(false);
        if (stored is not null || !live)
        {
            return stored;
        }
        if (vendor is not ILiveCallSource source || !vendor.IsConfigured)
        {
            throw new LookupArgumentException("live", $"live lookups are not available for {vendor.Name} (no single-call API, or the vendor is not configured).");
        }
        limiter.Acquire(vendor.Name);
        var document = await source.FetchCallAsync(callId, cancellationToken).ConfigureAwait(false);
        if (document is null)
        {
            logger.LogInformation("Live lookup: {Vendor} does not know the call", vendor.Name);
            return null;
        }
        var landed = await lander.LandDocumentAsync(vendor, $"live-{callId}", document, records: 1, cancellationToken).ConfigureAwait(false);
        await normalizer.NormalizeAsync(landed.BlobName, cancellationToken).ConfigureAwait(false);
        return await lookup.GetAsync(vendor.Name, callId, cancellationToken).ConfigureAwait(false);
    }
}
