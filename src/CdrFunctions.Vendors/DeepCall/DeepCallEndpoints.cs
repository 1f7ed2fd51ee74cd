using CdrFunctions.Pipeline.Api;
using Microsoft.AspNetCore.Routing;

namespace CdrFunctions.Vendors.DeepCall;

/// <summary>The push webhook in the local host: <c>/api/webhooks/deepcall/{secret}</c> (plus the host's key, e.g. <c>?code=</c>).</summary>
public sealed class DeepCallEndpoints : IVendorEndpoints
{
    public string Vendor => DeepCallVendor.VendorName;

    public void Map(IEndpointRouteBuilder group) => DeepCallWebhook.Map(group, "/{" + DeepCallWebhook.SecretRouteValue + "}");
}
