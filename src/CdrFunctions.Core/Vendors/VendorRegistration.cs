using System.Reflection;
using CdrFunctions.Pipeline.Resilience;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CdrFunctions.Pipeline.Vendors;

/// <summary>A registered vendor, as the hosts see it before anything is built (e.g. the CLI's help text).</summary>
/// <param name="Name">Lower-case vendor name (<see cref="ICdrVendor.Name"/>).</param>
/// <param name="Section">Its configuration section, <c>Vendors:{Vendor}</c>.</param>
public sealed record VendorRegistration(string Name, string Section);

public static class VendorServiceCollectionExtensions
{
    /// <summary>
    /// Registers one vendor: its options bound from <c>Vendors:{section}</c> (schedule included) and validated
    /// on start, its typed HTTP client with the shared resilience, and the vendor itself. The vendor's name is
    /// <paramref name="section"/> in lower case. <paramref name="more"/> adds what only this vendor has.
    /// </summary>
    public static IServiceCollection AddCdrVendor<TVendor, TOptions, TClient>(
        this IServiceCollection services, IConfiguration configuration, string section, Action<CdrVendorBuilder>? more = null)
        where TVendor : class, ICdrVendor
        where TOptions : VendorOptions
        where TClient : class
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrWhiteSpace(section);
        var name = section.ToLowerInvariant();
        var config = configuration.GetSection("Vendors:" + section);
        services.AddSingleton(new VendorRegistration(name, config.Path));
        services.TryAddSingleton<VendorRetries>();
        services.AddOptions<TOptions>()
            .Configure(o => Bind(config, o))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        Func<IServiceProvider, VendorHttpOptions> http = sp => sp.GetRequiredService<IOptions<TOptions>>().Value.Http;
        var client = services.AddHttpClient<TClient>().AddVendorResilience(name, http);
        services.AddSingleton<ICdrVendor, TVendor>();
        more?.Invoke(new CdrVendorBuilder(services, name, http, client));
        // Last, so the vendor's own handlers sit between the retries and the limiter: each of their sends takes a permit.
        client.AddVendorRateLimit(name, http);
        return services;
    }

    /// <summary>The registered vendors' names, read from the registrations (nothing is built).</summary>
    public static IReadOnlyList<string> RegisteredVendorNames(this IServiceCollection services) =>
        [.. services.Select(d => d.ImplementationInstance).OfType<VendorRegistration>().Select(r => r.Name)];

    private static void Bind(IConfigurationSection section, VendorOptions options)
    {
        section.Bind(options);
        foreach (var property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<SameSectionAttribute>() is not null && property.GetValue(options) is { } nested)
            {
                section.Bind(nested);
            }
        }
        options.Section = section.Path;
    }
}

/// <summary>What a vendor registers beyond the common parts, from its own folder.</summary>
public sealed class CdrVendorBuilder(IServiceCollection services, string name, Func<IServiceProvider, VendorHttpOptions> http, IHttpClientBuilder client)
{
    public IServiceCollection Services => services;

    public string Name => name;

    /// <summary>
    /// A handler of the vendor's typed client (e.g. its credentials), inside the retry loop (each attempt passes it)
    /// and outside the request rate limiter (each request it sends takes a permit).
    /// </summary>
    public CdrVendorBuilder AddClientHandler<THandler>()
        where THandler : DelegatingHandler
    {
        services.TryAddTransient<THandler>();
        client.AddHttpMessageHandler<THandler>();
        return this;
    }

    /// <summary>Another named HTTP client of the vendor (e.g. its token endpoint) with the vendor's resilience.</summary>
    public CdrVendorBuilder AddHttpClient(string clientName)
    {
        services.AddHttpClient(clientName).AddVendorResilience(name, http, clientName);
        return this;
    }

    /// <summary>
    /// The vendor's webhook. Both hosts serve it at <c>/api/webhooks/{vendor}/...</c> and land what it returns.
    /// <paramref name="logging"/> adjusts log filters the webhook needs (e.g. request paths that carry a secret).
    /// </summary>
    public CdrVendorBuilder AddPushReceiver<TReceiver>(Action<ILoggingBuilder>? logging = null)
        where TReceiver : class, IPushReceiver
    {
        services.AddSingleton<TReceiver>();
        services.AddSingleton<IPushReceiver>(sp => sp.GetRequiredService<TReceiver>());
        if (logging is not null)
        {
            services.AddLogging(logging);
        }
        return this;
    }
}
