using CdrFunctions.Pipeline.Resilience;
using CdrFunctions.Pipeline.Vendors;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CdrFunctions.Vendors.EngageVoice;

public static class EngageVoiceRegistration
{
    public static IServiceCollection AddEngageVoice(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EngageVoiceOptions>()
            .Bind(configuration.GetSection(EngageVoiceOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        Func<IServiceProvider, VendorHttpOptions> http = sp => sp.GetRequiredService<IOptions<EngageVoiceOptions>>().Value.Http;
        services.AddHttpClient<EngageVoiceClient>().AddVendorResilience(EngageVoiceVendor.VendorName, http).AddVendorRateLimit(EngageVoiceVendor.VendorName, http);
        services.AddHttpClient(EngageVoiceAuth.HttpClientName).AddVendorResilience(EngageVoiceVendor.VendorName + "-auth", http);
        services.AddSingleton<EngageVoiceAuth>();
        services.AddSingleton<EngageVoiceReportIds>();
        services.AddSingleton<ICdrVendor, EngageVoiceVendor>();
        return services;
    }
}
