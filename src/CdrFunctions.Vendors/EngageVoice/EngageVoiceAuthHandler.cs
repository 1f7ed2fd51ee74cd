using System.Net;
using CdrFunctions.Pipeline.Resilience;
using Microsoft.Extensions.Logging;

namespace CdrFunctions.Vendors.EngageVoice;

/// <summary>
/// Authorizes every Engage request with the current credentials. In RingCentral JWT mode a 401 (Engage says
/// <c>Jwt is expired</c>) renews the token once, once for all requests rejected with the same token, and sends
/// the request again; a second 401 goes back to the client, which fails the window with a hint.
/// </summary>
public sealed class EngageVoiceAuthHandler(EngageVoiceAuth auth, ILogger<EngageVoiceAuthHandler> logger) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = await auth.GetAsync(cancellationToken).ConfigureAwait(false);
        header.ApplyTo(request);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized || !auth.Renewable)
        {
            return response;
        }
        using (response)
        {
            var reason = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Engage Voice rejected the access token ({Reason}); renewing it once", VendorApiException.Excerpt(auth.Mask(reason), null, 60));
        }
        (await auth.RenewAfterRejectionAsync(header, cancellationToken).ConfigureAwait(false)).ApplyTo(request);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
