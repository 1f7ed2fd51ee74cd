using CdrFunctions.Pipeline.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace CdrFunctions;

/// <summary>
/// Every vendor's webhook, one function: the same route and handler as the local host
/// (<c>webhooks/{vendor}/{*path}</c>). The vendor calls the URL with <c>?code=</c> (function key).
/// </summary>
public sealed class WebhookFunctions(VendorWebhooks webhooks)
{
    [Function("VendorWebhook")]
    public async Task<IActionResult> Receive(
        [HttpTrigger(AuthorizationLevel.Function, "get", "post", Route = VendorWebhooks.Route)] HttpRequest request,
        string vendor, string? path) =>
        new ResultActionResult(await webhooks.HandleAsync(request, vendor, path, request.HttpContext.RequestAborted));
}
