using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CdrFunctions.Functions.Tests;

/// <summary>
/// The worker's host as Program.cs builds it (<see cref="CdrFunctionsApp.ConfigureCdrFunctionsApp"/>), with the
/// given settings on top, built but not run: the Functions host that would drive it cannot run here.
/// </summary>
internal static class FunctionsAppHost
{
    public static IHost Build(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? overrides = null)
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.ConfigureCdrFunctionsApp();
        overrides?.Invoke(builder.Services);
        return builder.Build();
    }

    /// <summary>What the host does before it starts: every ValidateOnStart registration is checked.</summary>
    public static void ValidateOptionsOnStart(this IHost host) => host.Services.GetRequiredService<IStartupValidator>().Validate();

    /// <summary>Every class with a [Function] method in the app.</summary>
    public static IReadOnlyList<Type> FunctionClasses { get; } = typeof(CdrFunctionsApp).Assembly.GetTypes()
        .Where(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance).Any(m => m.GetCustomAttribute<FunctionAttribute>() is not null))
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .ToList();

    /// <summary>A function class created the way the worker's default activator does (constructor injection).</summary>
    public static T Create<T>(this IHost host) => ActivatorUtilities.CreateInstance<T>(host.Services);
}
