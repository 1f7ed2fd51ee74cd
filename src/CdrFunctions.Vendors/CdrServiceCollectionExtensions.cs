using CdrFunctions.Pipeline;
using CdrFunctions.Pipeline.Api;
using CdrFunctions.Vendors.Alotech;
using CdrFunctions.Vendors.DeepCall;
using CdrFunctions.Vendors.EngageVoice;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CdrFunctions.Vendors;

public static class CdrServiceCollectionExtensions
{
    /// <summary>The pipeline and every vendor. Adding a vendor: its folder, plus one line below.</summary>
    public static IServiceCollection AddCdrFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCdrPipeline(configuration);
        services.AddCdrApi();
        services.AddAlotech(configuration);
        services.AddEngageVoice(configuration);
        services.AddDeepCall(configuration);
        return services;
    }
}
