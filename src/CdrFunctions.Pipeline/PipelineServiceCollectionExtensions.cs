using CdrFunctions.Pipeline.Landing;
using CdrFunctions.Pipeline.Lookup;
using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Pipeline.Pull;
using CdrFunctions.Pipeline.Resilience;
using CdrFunctions.Pipeline.RateLimits;
using CdrFunctions.Pipeline.Storage;
using CdrFunctions.Pipeline.Vendors;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CdrFunctions.Pipeline;

public static class PipelineServiceCollectionExtensions
{
    /// <summary>The vendor-agnostic pipeline. Vendors register themselves as <see cref="ICdrVendor"/>.</summary>
    public static IServiceCollection AddCdrPipeline(this IServiceCollection services, IConfiguration configuration)
    {
        // Clients are created lazily: nothing touches storage until a job runs (Flex allows 30 s to start).
        services.TryAddSingleton(_ => CdrStorage.FromConfiguration(configuration));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<VendorRetries>();
        services.TryAddSingleton<VendorCatalog>();
        services.TryAddSingleton<RateLimiterRegistry>();
        services.TryAddSingleton<RawLander>();
        services.TryAddSingleton<ShrinkGuard>();
        services.TryAddSingleton<CheckpointStore>();
        services.TryAddSingleton<VendorRateLimiters>();
        services.TryAddSingleton<PullRunner>();
        services.AddOptions<NormalizeOptions>().Bind(configuration.GetSection(NormalizeOptions.Section))
            .Validate(o => o.RecordsInMemory is >= 0 and <= NormalizeOptions.MaxRecordsInMemory, $"{NormalizeOptions.Section}:RecordsInMemory must be between 0 and {NormalizeOptions.MaxRecordsInMemory}.")
            .Validate(o => o.HasValidTempDirectory, $"{NormalizeOptions.Section}:TempDirectory must be an absolute path when it is set.")
            .ValidateOnStart();
        services.TryAddSingleton<CallClaims>();
        services.TryAddSingleton<RawFileReader>();
        services.TryAddSingleton<CallRowResolver>();
        services.TryAddSingleton<CuratedVersions>();
        services.TryAddSingleton<NormalizationMarks>();
        services.TryAddSingleton<CuratedWriter>();
        services.TryAddSingleton<QuarantineWriter>();
        services.TryAddSingleton<Normalizer>();
        services.TryAddSingleton<BlobStatusStore>();
        services.TryAddSingleton<CallLookup>();
        services.TryAddSingleton<LiveLookup>();
        services.AddOptions<LiveLookupOptions>().Bind(configuration.GetSection(LiveLookupOptions.Section))
            .Validate(o => o.PerMinute is >= 1 and <= LiveLookupOptions.MaxPerMinute, $"{LiveLookupOptions.Section}:PerMinute must be between 1 and {LiveLookupOptions.MaxPerMinute}.")
            .ValidateOnStart();
        services.TryAddSingleton<LiveLookupLimiter>();
        services.TryAddSingleton<ScheduledPull>();
        services.TryAddSingleton<RawBlobProcessor>();
        return services;
    }
}
