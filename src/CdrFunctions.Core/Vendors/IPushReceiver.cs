using Microsoft.AspNetCore.Http;

namespace CdrFunctions.Pipeline.Vendors;

/// <summary>
/// A vendor that pushes calls to a webhook. The hosts serve one generic route, <c>/api/webhooks/{vendor}/{*path}</c>;
/// the receiver checks and reads the request and returns what it received, and the pipeline lands it as a raw
/// blob (as it does with a live lookup's answer). The vendor never touches storage.
/// </summary>
public interface IPushReceiver
{
    /// <summary>The vendor's <see cref="ICdrVendor.Name"/>.</summary>
    string Vendor { get; }

    /// <param name="request">The HTTP request as the host received it.</param>
    /// <param name="path">The route's remainder after <c>webhooks/{vendor}/</c>, if any.</param>
    Task<PushReceipt> ReceiveAsync(HttpRequest request, string? path, CancellationToken cancellationToken);
}

/// <summary>The answer for the caller and, when the request carried one, the document to land.</summary>
public sealed record PushReceipt(IResult Response, PushedDocument? Document = null);

/// <summary>A pushed document exactly as received; <see cref="Stem"/> names its raw blob (e.g. <c>push-{callId}</c>).</summary>
public sealed record PushedDocument(string Stem, ReadOnlyMemory<byte> Content, int Records);
