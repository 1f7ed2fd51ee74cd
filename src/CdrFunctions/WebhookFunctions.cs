// Vendor webhooks: one HTTP function per vendor that pushes, on the route the local host maps through
// IVendorEndpoints (webhooks/<vendor>/...). AuthorizationLevel.Function is explicit: the vendor calls the URL
// with ?code=<function key>, and the path carries the vendor's own shared secret as well.
using CdrFunctions.Pipeline.Api;
using CdrFunctions.Vendors.DeepCall;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace CdrFunctions;

public sealed class WebhookFunctions(DeepCallWebhook deepCall)
{
    [Function("DeepCallWebhook")]
    public async Task<IActionResult> DeepCall(
        [HttpTrigger(AuthorizationLevel.Function, "get", "post", Route = "webhooks/deepcall/{secret}")] HttpRequest request, string secret) =>
        new ResultActionResult(await deepCall.HandleAsync(request.HttpContext, secret));
}
