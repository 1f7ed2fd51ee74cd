using CdrFunctions.Pipeline.RateLimits;
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
        services.AddHttpClient<EngageVoiceClient>().AddVendorResilience(EngageVoiceVendor.VendorName, http);
        // interaction-metadata: a 429 is not retried (it pauses the sub-account and stops the run), and every
        // attempt, retries included, first takes a permit of its sub-account's limits, shared process-wide.
        services.AddHttpClient<EngageVoiceInteractionClient>()
            .AddVendorResilience(EngageVoiceVendor.VendorName + "-interactions",
                sp => sp.GetRequiredService<IOptions<EngageVoiceOptions>>().Value is var o ? o.Http.AllowingWaitPerAttempt(o.RateLimitMaxWait) : null!,
                retryTooManyRequests: false)
            .AddHttpMessageHandler(sp =>
            {
                var o = sp.GetRequiredService<IOptions<EngageVoiceOptions>>().Value;
                return new RateLimitingHandler(sp.GetRequiredService<RateLimiterRegistry>(), o.SubAccountPolicy(), EngageVoiceInteractionClient.LimiterKeyOf, o.RateLimitMaxWait);
            });
        services.AddHttpClient(EngageVoiceAuth.HttpClientName).AddVendorResilience(EngageVoiceVendor.VendorName + "-auth", http);
        services.AddSingleton<EngageVoiceAuth>();
        services.AddSingleton<EngageVoiceReportIds>();
        services.AddSingleton<ICdrVendor, EngageVoiceVendor>();
        return services;
    }
}
