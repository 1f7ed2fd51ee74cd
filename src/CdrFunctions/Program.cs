// Worker entry point: the host, telemetry and the pipeline. The functions (PullFunctions, NormalizeFunctions,
// ApiFunctions) only route to pipeline methods; options are validated on start, no vendor is called here.
// APIs used, as checked in Azure/azure-functions-dotnet-worker:
//   FunctionsApplication.CreateBuilder            src/DotNetWorker/Builder/FunctionsApplication.cs
//   ConfigureFunctionsWebApplication (builder)    extensions/Worker.Extensions.Http.AspNetCore/src/FunctionsApplicationBuilderAspNetCoreExtensions.cs
//   ConfigureFunctionsApplicationInsights         src/DotNetWorker.ApplicationInsights/FunctionsApplicationInsightsExtensions.cs
// and AddApplicationInsightsTelemetryWorkerService in the Microsoft.ApplicationInsights.WorkerService package.
using CdrFunctions.Telemetry;
using CdrFunctions.Vendors;
using CdrFunctions.Vendors.DeepCall;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var builder = FunctionsApplication.CreateBuilder(args);

// ASP.NET Core integration (HttpRequest / IActionResult in HTTP triggers).
builder.ConfigureFunctionsWebApplication();

// The worker sends its own telemetry straight to Application Insights.
builder.Services
    .AddApplicationInsightsTelemetryWorkerService()
    .ConfigureFunctionsApplicationInsights()
    .AddTelemetryRedaction();

// The Application Insights SDK adds a logger filter rule that keeps only Warning and above;
// remove it so the levels from host.json / configuration apply to worker logs too.
builder.Logging.Services.Configure<LoggerFilterOptions>(options =>
{
    var defaultRule = options.Rules.FirstOrDefault(rule => rule.ProviderName
        == "Microsoft.Extensions.Logging.ApplicationInsights.ApplicationInsightsLoggerProvider");
    if (defaultRule is not null)
    {
        options.Rules.Remove(defaultRule);
    }
});

// The DeepCall webhook's path carries its secret; ASP.NET Core's request logs must not write it.
DeepCallWebhook.KeepSecretOutOfLogs(builder.Logging);

// Pipeline + vendors; options are validated on start.
builder.Services.AddCdrFunctions(builder.Configuration);

builder.Build().Run();
