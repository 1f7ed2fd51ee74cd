using CdrFunctions.Pipeline.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CdrFunctions.Telemetry;

public static class TelemetryRedaction
{
    /// <summary>
    /// Adds <see cref="RedactingTelemetryProcessor"/> to the worker's Application Insights pipeline; the secrets are those
    /// <see cref="SecretRedactor.FromConfiguration"/> finds in the app's configuration (read once, at first use).
    /// </summary>
    public static IServiceCollection AddTelemetryRedaction(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => SecretRedactor.FromConfiguration(sp.GetRequiredService<IConfiguration>()));
        services.AddApplicationInsightsTelemetryProcessor<RedactingTelemetryProcessor>();
        return services;
    }
}
