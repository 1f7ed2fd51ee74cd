using System.CommandLine;
using System.Security.Cryptography;
using CdrFunctions.Pipeline.Api;
using CdrFunctions.Pipeline.Local;
using CdrFunctions.Pipeline.Security;
using CdrFunctions.Pipeline.Storage;
using CdrFunctions.Vendors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CdrFunctions.Cli.Commands;

/// <summary>
/// The Functions app's jobs in one process, without Core Tools: the vendor timers (Cronos on the same
/// NCRONTAB settings), normalization of new or changed raw blobs (a poller standing in for the blob
/// trigger) and the lookup API on Kestrel with the same routes and key check. Ctrl+C stops it cleanly.
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var url = new Option<string?>("--url") { Description = "Where the API listens (default Run:Url, http://localhost:7071)." };
        var command = new Command("run", "Run the timers, the raw blob normalizer and the HTTP API locally until Ctrl+C.") { url };
        command.SetAction((parse, ct) => CliErrors.RunAsync(() => RunAsync(parse.GetValue(url), ct)));
        return command;
    }

    private static async Task<int> RunAsync(string? url, CancellationToken ct)
    {
        await using var app = Build(url);
        var options = app.Services.GetRequiredService<IOptions<LocalRunOptions>>().Value;
        var storage = app.Services.GetRequiredService<CdrStorage>();
        // Fail fast with the one-line Azurite hint instead of background loops logging the same error.
        await storage.EnsureCreatedAsync(ct).ConfigureAwait(false);
        await app.StartAsync(ct).ConfigureAwait(false);
        var key = KeyOf(app.Configuration);
        Console.Out.WriteLine($"cdr run: API on {options.Url.TrimEnd('/')}/api/ (header {CdrApiRoutes.KeyHeader}: {(string.IsNullOrEmpty(options.ApiKey) ? key : "<Run:ApiKey>")}), storage {storage.DescribedAs}. Ctrl+C stops.");
        try
        {
            await app.WaitForShutdownAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        Console.Out.WriteLine("cdr run: stopped.");
        return CliErrors.Ok;
    }

    /// <param name="overrides">Settings on top of appsettings.json and the environment (the demo's simulators).</param>
    /// <param name="services">Registrations that replace the defaults (a test's fixed clock).</param>
    internal static WebApplication Build(string? url, IReadOnlyDictionary<string, string?>? overrides = null, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        builder.Configuration
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables();
        builder.Configuration.AddInMemoryCollection(overrides ?? new Dictionary<string, string?>());
        if (url is not null)
        {
            builder.Configuration.AddInMemoryCollection([new($"{LocalRunOptions.Section}:{nameof(LocalRunOptions.Url)}", url)]);
        }
        builder.Logging.ClearProviders();
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning).AddFilter("System.Net.Http", LogLevel.Warning).AddFilter("Polly", LogLevel.Warning);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        // Request logs write ?code= keys, a quoted vendor URL would carry app_token: both leave the process redacted.
        builder.Logging.RedactSecrets(builder.Configuration);
        // Ctrl+C reaches the command's token (System.CommandLine); the host must not also claim it.
        builder.Services.AddSingleton<IHostLifetime, NoConsoleLifetime>();
        builder.Services.AddCdrFunctions(builder.Configuration);
        builder.Services.AddCdrLocalRun(builder.Configuration);
        services?.Invoke(builder.Services);
        if (string.IsNullOrEmpty(builder.Configuration[$"{LocalRunOptions.Section}:{nameof(LocalRunOptions.ApiKey)}"]))
        {
            builder.Configuration.AddInMemoryCollection([new(GeneratedKeySetting, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)))]);
        }
        builder.WebHost.UseUrls(builder.Configuration[$"{LocalRunOptions.Section}:{nameof(LocalRunOptions.Url)}"] ?? new LocalRunOptions().Url);

        var app = builder.Build();
        app.MapCdrApi(KeyOf(app.Configuration));
        return app;
    }

    private const string GeneratedKeySetting = "Run:GeneratedApiKey";

    private static string KeyOf(IConfiguration configuration) =>
        configuration[$"{LocalRunOptions.Section}:{nameof(LocalRunOptions.ApiKey)}"] is { Length: > 0 } key ? key : configuration[GeneratedKeySetting]!;

    /// <summary>A host lifetime that leaves signals to the caller.</summary>
    private sealed class NoConsoleLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
