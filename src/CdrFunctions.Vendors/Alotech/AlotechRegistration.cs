using CdrFunctions.Pipeline.Resilience;
using CdrFunctions.Pipeline.Vendors;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CdrFunctions.Vendors.Alotech;

public static class AlotechRegistration
{
    public static IServiceCollection AddAlotech(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AlotechOptions>()
            .Bind(configuration.GetSection(AlotechOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddHttpClient<AlotechClient>()
            .AddVendorResilience(AlotechVendor.VendorName, sp => sp.GetRequiredService<IOptions<AlotechOptions>>().Value.Http)
            .AddVendorRateLimit(AlotechVendor.VendorName, sp => sp.GetRequiredService<IOptions<AlotechOptions>>().Value.Http);
        services.AddSingleton<ICdrVendor, AlotechVendor>();
        return services;
    }
}
