using System.Reflection;
using CdrFunctions.Pipeline.Storage;
using CdrFunctions.Pipeline.Vendors;
using CdrFunctions.Vendors;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CdrFunctions.Tests.Infra;

/// <summary>One setting the app binds: its configuration key and whether every deployment must give it.</summary>
internal sealed record DiscoveredSetting(string Vendor, string Key, bool Required, Type Type)
{
    /// <summary>The app-setting / environment-variable form (<c>:</c> → <c>__</c>).</summary>
    public string AppSettingName => Key.Replace(":", "__", StringComparison.Ordinal);

    /// <summary>The key inside the vendor's section, e.g. <c>Http:MaxRetries</c>.</summary>
    public string VendorKey => Key[($"Vendors:{Vendor}:".Length)..];
}

/// <summary>
/// Finds the settings the app reads by running the app's own registration (AddCdrFunctions) against a
/// configuration that records what is asked of it, so a vendor added later is found without editing a list.
/// <para>
/// Vendor settings: every options type bound from configuration under <c>Vendors:*</c>, each public settable
/// property, nested option objects (<c>Http</c>) included, under the key the binder reads (a
/// <c>[ConfigurationKeyName]</c> wins over the property name; a <c>[SameSection]</c> object's settings sit in
/// its parent's section). <b>Required</b> = only what has no default: a top-level scalar that is null on a fresh
/// options object (nested objects such as <c>Http</c> are tuned as a whole and optional), except nullable value types (<c>StartFrom</c>: absent means "one day before the first run") and
/// <c>Uri</c> overrides (<c>BaseUrl</c>: absent means the vendor's public host). Everything with a default is
/// given only to change it, so the sample and the deployment parameters need not copy the defaults.
/// </para>
/// Storage: the keys CdrStorage.FromConfiguration reads (the connection name and its identity sub-keys).
/// </summary>
internal static class AppSettingsDiscovery
{
    public static IReadOnlyList<DiscoveredSetting> VendorSettings() => VendorSettings((services, configuration) => services.AddCdrFunctions(configuration));

    /// <summary>The settings bound by <paramref name="register"/> (the app's registration, or a test's).</summary>
    public static IReadOnlyList<DiscoveredSetting> VendorSettings(Action<IServiceCollection, IConfiguration> register)
    {
        var recorder = new RecordingProvider();
        var configuration = new ConfigurationRoot([recorder]);
        var services = new ServiceCollection();
        // Both Bind(section) and BindConfiguration(path) (which takes IConfiguration from the container) are seen.
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        register(services, configuration);
        using var provider = services.BuildServiceProvider();

        var optionsTypes = services
            .Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IConfigureOptions<>))
            .Select(d => d.ServiceType.GetGenericArguments()[0])
            .Where(t => t.Assembly.GetName().Name!.StartsWith("CdrFunctions", StringComparison.Ordinal))
            .Distinct();
        var settings = new List<DiscoveredSetting>();
        foreach (var optionsType in optionsTypes)
        {
            // Run the configure actions (the binder) on an empty configuration, without validation:
            // the first Vendors:{Vendor} path asked about is the bound section.
            recorder.Asked.Clear();
            var instance = Activator.CreateInstance(optionsType);
            var configure = typeof(IConfigureOptions<>).MakeGenericType(optionsType).GetMethod("Configure")!;
            foreach (var action in provider.GetServices(typeof(IConfigureOptions<>).MakeGenericType(optionsType)))
            {
                configure.Invoke(action, [instance]);
            }
            var section = recorder.Asked.Select(path => path.Split(':')).FirstOrDefault(parts => parts.Length == 2 && parts[0] == "Vendors");
            if (section is null)
            {
                continue;
            }
            foreach (var (key, type, value, nested) in Leaves(Activator.CreateInstance(optionsType)!, string.Join(':', section), nested: false))
            {
                settings.Add(new DiscoveredSetting(section[1], key, Required: !nested && value is null && IsRequiredType(type), type));
            }
        }
        return settings;
    }

    /// <summary>Keys read to build the storage clients, from an empty configuration.</summary>
    public static IReadOnlyList<string> StorageKeys()
    {
        var recorder = new RecordingProvider();
        CdrStorage.FromConfiguration(new ConfigurationRoot([recorder]));
        return recorder.Asked.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>Every scalar setting of <paramref name="options"/> with its default (its value on a fresh object).</summary>
    private static IEnumerable<(string Key, Type Type, object? Default, bool Nested)> Leaves(object options, string prefix, bool nested)
    {
        foreach (var p in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetSetMethod() is null || p.GetGetMethod() is null || p.GetIndexParameters().Length > 0)
            {
                continue;
            }
            var key = $"{prefix}:{p.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? p.Name}";
            var value = p.GetValue(options);
            if (IsScalar(p.PropertyType))
            {
                yield return (key, p.PropertyType, value, nested);
            }
            else if (value is not null && !IsList(p.PropertyType))
            {
                var sameSection = p.GetCustomAttribute<SameSectionAttribute>() is not null;
                foreach (var leaf in Leaves(value, sameSection ? prefix : key, nested || !sameSection))
                {
                    yield return leaf;
                }
            }
        }
    }

    private static bool IsList(Type type) => type != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(type);

    private static bool IsScalar(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan)
            || t == typeof(DateTimeOffset) || t == typeof(DateTime) || t == typeof(Uri) || t == typeof(Guid);
    }

    private static bool IsRequiredType(Type type) => Nullable.GetUnderlyingType(type) is null && type != typeof(Uri);

    /// <summary>An empty configuration source that remembers every key and section path asked for.</summary>
    private sealed class RecordingProvider : ConfigurationProvider
    {
        public List<string> Asked { get; } = [];

        public override bool TryGet(string key, out string? value)
        {
            Asked.Add(key);
            return base.TryGet(key, out value);
        }

        public override IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath)
        {
            if (parentPath is not null)
            {
                Asked.Add(parentPath);
            }
            return base.GetChildKeys(earlierKeys, parentPath);
        }
    }
}
