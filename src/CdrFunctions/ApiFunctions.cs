// HTTP functions (ASP.NET Core integration: HttpRequest in, IActionResult out). Checked in
// Azure/azure-functions-dotnet-worker: HttpTriggerAttribute(AuthorizationLevel authLevel, params string[] methods)
// with Route; AuthorizationLevel.Function is passed explicitly because the (params string[] methods)
// constructor leaves AuthLevel at its default (Anonymous). Routes come from CdrApiRoutes, the same constants
// the local host and the OpenAPI test use; the "api" prefix is host.json's extensions.http.routePrefix.
// A vendor's webhook (IVendorEndpoints in the local host) gets its own function here with
// Route = "webhooks/<vendor>/..." calling that vendor's handler.
using CdrFunctions.Pipeline.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace CdrFunctions;

public sealed class ApiFunctions(CdrApi api)
{
    [Function("GetCall")]
    public async Task<IActionResult> GetCall(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = CdrApiRoutes.Call)] HttpRequest request,
        string vendor, string callId, CancellationToken cancellationToken) =>
        new ResultActionResult(await api.GetCallAsync(request, vendor, callId, cancellationToken));

    [Function("ListCalls")]
    public async Task<IActionResult> ListCalls(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = CdrApiRoutes.Calls)] HttpRequest request, CancellationToken cancellationToken) =>
        new ResultActionResult(await api.ListCallsAsync(request, cancellationToken));

    [Function("GetStatus")]
    public async Task<IActionResult> GetStatus(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = CdrApiRoutes.Status)] HttpRequest request, CancellationToken cancellationToken) =>
        new ResultActionResult(await api.GetStatusAsync(request, cancellationToken));
}
