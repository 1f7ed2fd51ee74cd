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
        return services;
    }

    /// <summary>Maps <c>/api/...</c> and every registered <see cref="IVendorEndpoints"/> under <c>/api/webhooks/{vendor}</c>.</summary>
    public static RouteGroupBuilder MapCdrApi(this IEndpointRouteBuilder endpoints, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var api = endpoints.MapGroup("/" + CdrApiRoutes.Prefix).AddEndpointFilter(new ApiKeyCheck(key));
        api.MapGet("/" + CdrApiRoutes.Call, (HttpRequest request, string vendor, string callId, CdrApi handlers, CancellationToken ct) =>
            handlers.GetCallAsync(request, vendor, callId, ct));
        api.MapGet("/" + CdrApiRoutes.Calls, (HttpRequest request, CdrApi handlers, CancellationToken ct) => handlers.ListCallsAsync(request, ct));
        api.MapGet("/" + CdrApiRoutes.Status, (HttpRequest request, CdrApi handlers, CancellationToken ct) => handlers.GetStatusAsync(request, ct));
        foreach (var vendor in endpoints.ServiceProvider.GetServices<IVendorEndpoints>())
        {
            vendor.Map(api.MapGroup("/webhooks/" + vendor.Vendor));
        }
        return api;
    }
}
