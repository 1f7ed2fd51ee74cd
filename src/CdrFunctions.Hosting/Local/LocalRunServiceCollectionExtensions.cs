using CdrFunctions.Pipeline.Api;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CdrFunctions.Pipeline.Local;

public static class LocalRunServiceCollectionExtensions
{
    /// <summary>Everything <c>cdr run</c> adds to the pipeline: the API handlers, the timers and the raw blob poller.</summary>
    public static IServiceCollection AddCdrLocalRun(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LocalRunOptions>().Bind(configuration.GetSection(LocalRunOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddCdrApi();
        services.AddSingleton<RawBlobPoller>();
        services.AddHostedService<ScheduledPullService>();
        services.AddHostedService<RawBlobPollingService>();
        return services;
    }
}
