using CdrFunctions.Pipeline.Storage;
using CdrFunctions.Telemetry;
using CdrFunctions.Vendors;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CdrFunctions;

/// <summary>
/// The worker's composition root. Program.cs and the tests build the app through this one method, so the
/// tests resolve and validate exactly the services the deployed app runs with.
/// </summary>
public static class CdrFunctionsApp
{
    public static FunctionsApplicationBuilder ConfigureCdrFunctionsApp(this FunctionsApplicationBuilder builder)
    {
        // ASP.NET Core integration (HttpRequest / IActionResult in HTTP triggers).
        builder.ConfigureFunctionsWebApplication();

        // The worker sends its own telemetry straight to Application Insights.
        builder.Services
            .AddApplicationInsightsTelemetryWorkerService()
            .ConfigureFunctionsApplicationInsights()
            // Secret query parameters (app_token, code, ...) and configured secrets never leave in telemetry.
            .AddTelemetryRedaction();

        // The Application Insights SDK adds a rule that keeps only Warning and above; removing it lets the
        // levels from host.json and configuration apply to worker logs too.
        builder.Logging.Services.Configure<LoggerFilterOptions>(options =>
        {
            var defaultRule = options.Rules.FirstOrDefault(rule => rule.ProviderName
                == "Microsoft.Extensions.Logging.ApplicationInsights.ApplicationInsightsLoggerProvider");
            if (defaultRule is not null)
            {
                options.Rules.Remove(defaultRule);
            }
        });

        // Pipeline and vendors; their options are validated when the host starts.
        builder.Services.AddCdrFunctions(builder.Configuration);
        RequireDataStorageSetting(builder);
        return builder;
    }

    /// <summary>
    /// The pipeline falls back to Azurite when <c>CdrStorage</c> is missing, which suits the command line; a
    /// deployed app with that fallback would start and fail on every run, so the app refuses to start instead.
    /// </summary>
    private static void RequireDataStorageSetting(FunctionsApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(CdrStorageNames.ConnectionName);
        builder.Services.AddOptions<DataStorageSetting>()
            .Configure(s => s.IsSet = !string.IsNullOrWhiteSpace(section.Value) || !string.IsNullOrWhiteSpace(section["blobServiceUri"]))
            .Validate(s => s.IsSet, $"{CdrStorageNames.ConnectionName} is not set: give the data storage as a connection string "
                + $"({CdrStorageNames.ConnectionName}) or as {CdrStorageNames.ConnectionName}__blobServiceUri and {CdrStorageNames.ConnectionName}__tableServiceUri.")
            .ValidateOnStart();
    }

    private sealed class DataStorageSetting
    {
        public bool IsSet { get; set; }
    }
}
