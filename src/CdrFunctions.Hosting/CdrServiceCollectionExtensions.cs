using CdrFunctions.Pipeline;
using CdrFunctions.Pipeline.Api;
using CdrFunctions.Pipeline.Vendors;
using CdrFunctions.Vendors.Alotech;
using CdrFunctions.Vendors.DeepCall;
using CdrFunctions.Vendors.EngageVoice;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CdrFunctions.Vendors;

public static class CdrServiceCollectionExtensions
{
    /// <summary>The pipeline, the API both hosts serve, and every vendor: one line per vendor.</summary>
    public static IServiceCollection AddCdrFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCdrPipeline(configuration);
        services.AddCdrApi();
        services.AddCdrVendor<AlotechVendor, AlotechOptions, AlotechClient>(configuration, "Alotech");
        services.AddCdrVendor<EngageVoiceVendor, EngageVoiceOptions, EngageVoiceClient>(configuration, "EngageVoice", EngageVoiceVendor.AddServices);
        services.AddCdrVendor<DeepCallVendor, DeepCallOptions, DeepCallClient>(configuration, "DeepCall", DeepCallVendor.AddServices);
        return services;
    }
}
