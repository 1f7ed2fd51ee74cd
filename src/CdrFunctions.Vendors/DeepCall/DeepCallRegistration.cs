using CdrFunctions.Pipeline.Resilience;
using CdrFunctions.Pipeline.Vendors;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CdrFunctions.Vendors.DeepCall;

public static class DeepCallRegistration
{
    public static IServiceCollection AddDeepCall(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DeepCallOptions>()
            .Bind(configuration.GetSection(DeepCallOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddHttpClient<DeepCallClient>()
            .AddVendorResilience(DeepCallVendor.VendorName, sp => sp.GetRequiredService<IOptions<DeepCallOptions>>().Value.Http)
            .AddVendorRateLimit(DeepCallVendor.VendorName, sp => sp.GetRequiredService<IOptions<DeepCallOptions>>().Value.Http);
        services.AddSingleton<ICdrVendor, DeepCallVendor>();
        services.AddSingleton<DeepCallWebhook>();
        services.AddSingleton<CdrFunctions.Pipeline.Api.IVendorEndpoints, DeepCallEndpoints>();
        return services;
    }
}
