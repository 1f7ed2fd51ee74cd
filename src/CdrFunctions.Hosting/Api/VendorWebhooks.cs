using CdrFunctions.Pipeline.Landing;
using CdrFunctions.Pipeline.Vendors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CdrFunctions.Pipeline.Api;

/// <summary>
/// The one webhook route both hosts serve, <c>webhooks/{vendor}/{*path}</c>: hands the request to the vendor's
/// <see cref="IPushReceiver"/> and lands what it received. A vendor without a receiver is an unknown path (404).
/// </summary>
public sealed class VendorWebhooks(IEnumerable<IPushReceiver> receivers, VendorCatalog vendors, RawLander lander, ILogger<VendorWebhooks> logger)
{
    public const string Route = "webhooks/{vendor}/{*path}";

    private readonly Dictionary<string, IPushReceiver> _byVendor = receivers.ToDictionary(r => r.Vendor, StringComparer.OrdinalIgnoreCase);

    public async Task<IResult> HandleAsync(HttpRequest request, string vendor, string? path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_byVendor.TryGetValue(vendor, out var receiver))
        {
            return Results.NotFound();
        }
        var receipt = await receiver.ReceiveAsync(request, path, cancellationToken).ConfigureAwait(false);
        if (receipt.Document is { } document)
        {
            var landed = await lander.LandDocumentAsync(vendors.Get(receiver.Vendor), document.Stem, document.Content, document.Records, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Webhook of {Vendor}: report landed at {Blob} ({Outcome})", receiver.Vendor, landed.BlobName, landed.Outcome);
        }
        return receipt.Response;
    }
}
