using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CdrFunctions.Simulators.Common;

/// <summary>
/// Starts a minimal Kestrel app on 127.0.0.1 with an OS-assigned free port: the simulators, and the test and
/// benchmark hosts of the API.
/// </summary>
public static class LocalKestrel
{
    public static Task<LocalServer> StartAsync(Action<IEndpointRouteBuilder> map, CancellationToken cancellationToken) =>
        StartAsync(_ => { }, map, cancellationToken);

    /// <param name="configure">Services and configuration of the app, before it is built.</param>
    /// <param name="map">Its routes.</param>
    public static async Task<LocalServer> StartAsync(Action<WebApplicationBuilder> configure, Action<IEndpointRouteBuilder> map, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configure);
        ArgumentNullException.ThrowIfNull(map);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
        });
        // Simulators run inside test hosts: console logging per request would drown the test output.
        builder.Logging.ClearProviders();
        // An explicit Listen wins over ASPNETCORE_URLS or appsettings, so a test never binds a fixed port.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        configure(builder);

        var app = builder.Build();
        try
        {
            map(app);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
            var address = addresses.Addresses.First();
            return new LocalServer(app, new Uri(address.TrimEnd('/') + "/", UriKind.Absolute));
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}

/// <summary>A started local web app and the base address it listens on.</summary>
public sealed class LocalServer(WebApplication app, Uri baseUrl) : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Its root, e.g. <c>http://127.0.0.1:5123/</c>.</summary>
    public Uri BaseUrl { get; } = baseUrl;

    public IServiceProvider Services => app.Services;

    public async ValueTask DisposeAsync()
    {
        using (var stopping = new CancellationTokenSource(StopTimeout))
        {
            try
            {
                await app.StopAsync(stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Requests still running after the timeout (e.g. a slow fault) are abandoned.
            }
        }

        await app.DisposeAsync().ConfigureAwait(false);
    }
}
