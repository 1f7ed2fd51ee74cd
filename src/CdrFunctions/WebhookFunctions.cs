// Vendor webhooks: one HTTP function per vendor that pushes, on the route the local host maps through
// IVendorEndpoints (webhooks/<vendor>...). AuthorizationLevel.Function is explicit: the vendor calls the URL with a
// function key in ?code= (the host strips it from request telemetry) or the x-functions-key header, so the URL
// path carries no secret.
using CdrFunctions.Pipeline.Api;
using CdrFunctions.Vendors.DeepCall;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace CdrFunctions;

public sealed class WebhookFunctions(DeepCallWebhook deepCall)
{
    /// <summary><c>/api/webhooks/deepcall?code={key}</c>; give DeepCall a key of this function (docs/security.md).</summary>
    [Function("DeepCallPush")]
    public async Task<IActionResult> DeepCall(
        [HttpTrigger(AuthorizationLevel.Function, "get", "post", Route = "webhooks/deepcall")] HttpRequest request) =>
        new ResultActionResult(await deepCall.HandleAsync(request.HttpContext));

    /// <summary>
    /// Deprecated, for one release: the old URL <c>/api/webhooks/deepcall/{secret}?code={key}</c>, unchanged (same
    /// function name, so its keys still work), answering with a Deprecation header and logging a warning.
    /// </summary>
    [Function("DeepCallWebhook")]
    public async Task<IActionResult> DeepCallWithSecretInPath(
        [HttpTrigger(AuthorizationLevel.Function, "get", "post", Route = "webhooks/deepcall/{secret}")] HttpRequest request, string secret) =>
        new ResultActionResult(await deepCall.HandleAsync(request.HttpContext, secret));
}
