using CdrFunctions.Pipeline.Api;
using Microsoft.AspNetCore.Routing;

namespace CdrFunctions.Vendors.DeepCall;

/// <summary>
/// The push webhook in the local host: <c>/api/webhooks/deepcall</c> with the host's key (<c>?code=</c> or
/// <c>x-functions-key</c>, checked by the group), and for this release the deprecated <c>/api/webhooks/deepcall/{secret}</c>.
/// </summary>
public sealed class DeepCallEndpoints : IVendorEndpoints
{
    public string Vendor => DeepCallVendor.VendorName;

    public void Map(IEndpointRouteBuilder group) => DeepCallWebhook.Map(group);
}
