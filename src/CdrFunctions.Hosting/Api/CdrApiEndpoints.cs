using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CdrFunctions.Pipeline.Api;

/// <summary>The local host's routing: the same routes and handlers as the Functions app, behind the key check.</summary>
public static class CdrApiEndpoints
{
    public static IServiceCollection AddCdrApi(this IServiceCollection services)
    {
        services.TryAddSingleton<Pull.VendorStatusReader>();
        services.TryAddSingleton<CdrApi>();
        services.TryAddSingleton<VendorWebhooks>();
        return services;
    }

    /// <summary>Maps <c>/api/...</c>, the vendors' webhooks (<c>/api/webhooks/{vendor}/...</c>) included.</summary>
    public static RouteGroupBuilder MapCdrApi(this IEndpointRouteBuilder endpoints, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var api = endpoints.MapGroup("/" + CdrApiRoutes.Prefix).AddEndpointFilter(new ApiKeyCheck(key));
        api.MapGet("/" + CdrApiRoutes.Call, (HttpRequest request, string vendor, string callId, CdrApi handlers, CancellationToken ct) =>
            handlers.GetCallAsync(request, vendor, callId, ct));
        api.MapGet("/" + CdrApiRoutes.Calls, (HttpRequest request, CdrApi handlers, CancellationToken ct) => handlers.ListCallsAsync(request, ct));
        api.MapGet("/" + CdrApiRoutes.Status, (HttpRequest request, CdrApi handlers, CancellationToken ct) => handlers.GetStatusAsync(request, ct));
        api.MapMethods("/" + VendorWebhooks.Route, [HttpMethods.Get, HttpMethods.Post], (HttpRequest request, string vendor, string? path, VendorWebhooks webhooks, CancellationToken ct) =>
            webhooks.HandleAsync(request, vendor, path, ct));
        return api;
    }
}
