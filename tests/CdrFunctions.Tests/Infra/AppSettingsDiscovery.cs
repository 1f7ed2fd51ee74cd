using System.Reflection;
using CdrFunctions.Pipeline.Storage;
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
/// property, nested option objects (<c>Http</c>) included. <b>Required</b> = the scalar properties of the vendor
/// class and its <c>PullSchedule</c> base (schedule, window, vendor settings and secrets), except nullable value
/// types (<c>StartFrom</c>: absent means "one day before the first run") and <c>Uri</c> overrides (<c>BaseUrl</c>:
/// absent means the vendor's public host, and an empty value would not bind). Nested objects have tuned,
/// vendor-independent defaults, so they are optional: given only to change them.
/// </para>
/// Storage: the keys CdrStorage.FromConfiguration reads (the connection name and its identity sub-keys).
/// </summary>
internal static class AppSettingsDiscovery
{
    public static IReadOnlyList<DiscoveredSetting> VendorSettings()
    {
        var recorder = new RecordingProvider();
        var configuration = new ConfigurationRoot([recorder]);
        var services = new ServiceCollection();
        services.AddCdrFunctions(configuration);

        var settings = new List<DiscoveredSetting>();
        foreach (var descriptor in services)
        {
            if (!IsConfigurationBinding(descriptor, out var optionsType))
            {
                continue;
            }
            // Let the binder run on an empty configuration: the first path it asks about is the section.
            recorder.Asked.Clear();
            var configure = typeof(IConfigureNamedOptions<>).MakeGenericType(optionsType).GetMethod("Configure", [typeof(string), optionsType])!;
            configure.Invoke(descriptor.ImplementationInstance, [Options.DefaultName, Activator.CreateInstance(optionsType)]);
            var section = recorder.Asked.FirstOrDefault()
                ?? throw new InvalidOperationException($"Binding {optionsType.Name} read no configuration.");
            var parts = section.Split(':');
            if (parts.Length != 2 || parts[0] != "Vendors")
            {
                continue;
            }
            foreach (var (key, type, nested) in Leaves(optionsType, section, nested: false))
            {
                settings.Add(new DiscoveredSetting(parts[1], key, Required: !nested && IsRequiredType(type), type));
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

    private static bool IsConfigurationBinding(ServiceDescriptor descriptor, out Type optionsType)
    {
        optionsType = typeof(object);
        if (!descriptor.ServiceType.IsGenericType || descriptor.ServiceType.GetGenericTypeDefinition() != typeof(IConfigureOptions<>))
        {
            return false;
        }
        var implementation = descriptor.ImplementationInstance?.GetType();
        if (implementation is not { IsGenericType: true } || implementation.GetGenericTypeDefinition() != typeof(NamedConfigureFromConfigurationOptions<>))
        {
            return false;
        }
        optionsType = descriptor.ServiceType.GetGenericArguments()[0];
        return true;
    }

    private static IEnumerable<(string Key, Type Type, bool Nested)> Leaves(Type type, string prefix, bool nested)
    {
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetSetMethod() is null || p.GetGetMethod() is null || p.GetIndexParameters().Length > 0)
            {
                continue;
            }
            var key = $"{prefix}:{p.Name}";
            if (IsScalar(p.PropertyType))
            {
                yield return (key, p.PropertyType, nested);
            }
            else
            {
                foreach (var leaf in Leaves(p.PropertyType, key, nested: true))
                {
                    yield return leaf;
                }
            }
        }
    }

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
