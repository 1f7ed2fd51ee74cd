using Microsoft.AspNetCore.Routing;

namespace CdrFunctions.Pipeline.Api;

/// <summary>
/// Mount point for a vendor's own HTTP routes (e.g. a webhook the vendor calls). Register an implementation
/// in the vendor's <c>Add{Vendor}</c> (<c>services.AddSingleton&lt;IVendorEndpoints, ...&gt;()</c>); the local
/// host (<c>cdr run</c>) finds every one in DI and calls <see cref="Map"/> with a group already at
/// <c>/api/webhooks/{Vendor}</c> and already behind the key check. In the Functions app the vendor adds one
/// HTTP function with <c>Route = "webhooks/{vendor-name}/..."</c> that calls the same handler.
/// </summary>
public interface IVendorEndpoints
{
    /// <summary>The vendor's <see cref="Vendors.ICdrVendor.Name"/>; the group's path segment.</summary>
    string Vendor { get; }

    /// <summary>Maps the vendor's routes relative to <c>/api/webhooks/{Vendor}</c>.</summary>
    void Map(IEndpointRouteBuilder group);
}
