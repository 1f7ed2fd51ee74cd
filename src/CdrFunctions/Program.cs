// Worker entry point: the host, telemetry and the pipeline. The functions only route to pipeline methods;
// options are validated on start. (API references for this file are in its commit messages.)
using CdrFunctions.Vendors;
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
    .ConfigureFunctionsApplicationInsights();

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

// Pipeline + vendors (each vendor brings its own log filters); options are validated on start.
builder.Services.AddCdrFunctions(builder.Configuration);

builder.Build().Run();
