using CdrFunctions.Pipeline.Security;
using CdrFunctions.Pipeline.Vendors;
using CdrFunctions.Vendors;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CdrFunctions.Cli;

/// <summary>
/// The services a command needs, from <c>appsettings.json</c> beside the binary, then environment
/// variables (<c>CdrStorage</c>, <c>Vendors__{Vendor}__{Setting}</c>, ...), then the command's own overrides.
/// Logs go to stderr so that stdout carries only the command's output.
/// </summary>
internal static class CliHost
{
    /// <summary>The registered vendors, read from the registration alone (for help texts; nothing is built).</summary>
    public static IReadOnlyList<string> VendorNames { get; } =
        new ServiceCollection().AddCdrFunctions(new ConfigurationBuilder().Build()).RegisteredVendorNames();

    public static ServiceProvider Build(IReadOnlyDictionary<string, string?>? overrides = null, LogLevel minimumLevel = LogLevel.Warning)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(overrides ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging =>
        {
            logging.AddConfiguration(configuration.GetSection("Logging"));
            logging.SetMinimumLevel(minimumLevel);
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
            logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            logging.RedactSecrets(configuration);
        });
        services.AddCdrFunctions(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }
}
