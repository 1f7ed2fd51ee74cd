using CdrFunctions.Pipeline.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace CdrFunctions;

/// <summary>The lookup API: routes from <see cref="CdrApiRoutes"/> (the local host and the OpenAPI test use the same), behind the function key.</summary>
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
