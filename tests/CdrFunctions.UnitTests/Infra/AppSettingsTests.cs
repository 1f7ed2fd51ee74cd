using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using System.Text.RegularExpressions;

namespace CdrFunctions.Tests.Infra;

/// <summary>
/// Every setting the app reads without a default (found by <see cref="AppSettingsDiscovery"/>, not listed here) has
/// a value in the Azure deployment (main.bicep + main.parameters.json) and in local.settings.sample.json; secrets
/// come from Key Vault in Azure; nothing given there is unknown to the app (a typo would be silently ignored).
/// </summary>
public partial class AppSettingsTests
{
    private static readonly IReadOnlyList<DiscoveredSetting> Discovered = AppSettingsDiscovery.VendorSettings();

    [Fact]
    public void Discovery_finds_the_vendor_settings_and_the_storage_connection()
    {
        // Guards the discovery itself: if it found nothing, every other test here would pass vacuously.
        Assert.Contains(Discovered, s => s.Key == "Vendors:Alotech:AppToken" && s.Required);
        // Only what has no default is required: the schedule, zone and paging have defaults, the credentials do not.
        Assert.Contains(Discovered, s => s.Key == "Vendors:Alotech:Tenant" && s.Required);
        Assert.Contains(Discovered, s => s.Key == "Vendors:Alotech:Schedule" && !s.Required);
        Assert.Contains(Discovered, s => s.Key == "Vendors:Alotech:Enabled" && !s.Required);
        Assert.Contains(Discovered, s => s.Key == "Vendors:Alotech:TimeZone" && !s.Required);
        Assert.Contains(Discovered, s => s.Key == "Vendors:DeepCall:Host" && !s.Required);
        Assert.DoesNotContain(Discovered, s => s.Key.Contains(":Pull:", StringComparison.Ordinal) || s.Key.EndsWith(":Cron", StringComparison.Ordinal));
        Assert.Contains(Discovered, s => s.Key == "Vendors:Alotech:Http:MaxRetries" && !s.Required);
        Assert.Contains(Discovered, s => s.Key == "Vendors:Alotech:StartFrom" && !s.Required);
        Assert.Contains(Discovered, s => s.Key == "Vendors:Alotech:BaseUrl" && !s.Required);
        Assert.DoesNotContain(Discovered, s => s.Key.EndsWith(":IsConfigured", StringComparison.Ordinal));
        Assert.Equal(["CdrStorage", "CdrStorage:blobServiceUri", "CdrStorage:tableServiceUri"], AppSettingsDiscovery.StorageKeys().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Discovery_sees_a_new_vendor_bound_either_way_without_a_list_to_edit()
    {
        var found = AppSettingsDiscovery.VendorSettings((services, configuration) =>
        {
            services.AddOptions<SampleVendorOptions>().Bind(configuration.GetSection("Vendors:SampleA"));
            services.AddOptions<OtherSampleVendorOptions>().BindConfiguration("Vendors:SampleB");
        });
        Assert.Contains(found, s => s.Key == "Vendors:SampleA:ApiToken" && s.Required);
        Assert.Contains(found, s => s.Key == "Vendors:SampleA:Schedule" && !s.Required);
        Assert.Contains(found, s => s.Key == "Vendors:SampleA:Region:Host" && !s.Required);
        Assert.Contains(found, s => s.Key == "Vendors:SampleB:ApiToken" && s.Required);
    }

    public sealed class SampleVendorOptions() : CdrFunctions.Pipeline.Vendors.VendorOptions("UTC", "US")
    {
        public string? ApiToken { get; set; }
        public SampleRegion Region { get; set; } = new();
        public override bool IsConfigured => ApiToken is not null;
        protected override string MissingSettings => "ApiToken";
        protected override IEnumerable<string?> Secrets => [ApiToken];
    }

    public sealed class OtherSampleVendorOptions() : CdrFunctions.Pipeline.Vendors.VendorOptions("UTC", "US")
    {
        public string? ApiToken { get; set; }
        public override bool IsConfigured => ApiToken is not null;
        protected override string MissingSettings => "ApiToken";
        protected override IEnumerable<string?> Secrets => [ApiToken];
    }

    public sealed class SampleRegion
    {
        public string Host { get; set; } = "example.invalid";
    }

    [Fact]
    public void Every_required_vendor_setting_has_a_value_in_the_azure_parameters_and_secrets_come_from_key_vault()
    {
        var parameters = MainParameters();
        var plain = VendorObject(parameters, "vendorSettings");
        var secretNames = VendorObject(parameters, "vendorSecretNames");
        var problems = new List<string>();

        foreach (var setting in Discovered.Where(s => s.Required))
        {
            var inPlain = Has(plain, setting);
            var inSecrets = Has(secretNames, setting);
            if (IsSecret(setting) && !inSecrets)
            {
                problems.Add($"{setting.Key} is a secret: give its Key Vault secret name in vendorSecretNames.{setting.Vendor}.{setting.VendorKey}");
            }
            else if (!IsSecret(setting) && !inPlain)
            {
                problems.Add($"{setting.Key} has no value in vendorSettings.{setting.Vendor}.{setting.VendorKey}");
            }
            if (IsSecret(setting) && inPlain)
            {
                problems.Add($"{setting.Key} is a secret and must not be a plain value in vendorSettings");
            }
        }
        foreach (var (vendor, key) in Entries(plain).Concat(Entries(secretNames)))
        {
            if (!Discovered.Any(s => s.Vendor == vendor && s.VendorKey == key))
            {
                problems.Add($"main.parameters.json sets Vendors:{vendor}:{key}, which the app does not read");
            }
        }
        foreach (var (_, secretName) in secretNames.SelectMany(v => v.Value))
        {
            if (!KeyVaultSecretName().IsMatch(secretName.GetString() ?? ""))
            {
                problems.Add($"'{secretName}' is not a valid Key Vault secret name (letters, digits, hyphens)");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task Main_bicep_turns_the_vendor_parameters_into_app_settings_and_sets_the_storage_connections_by_identity()
    {
        var template = await FunctionAppTemplate.Value;
        // The one naming rule the parameters test above relies on: Vendors__{vendor}__{setting, ':' → '__'}.
        Assert.Contains("[format('Vendors__{0}__{1}', parameters('vendor'), replace(parameters('setting'), ':', '__'))]", template, StringComparison.Ordinal);
        Assert.Contains("@Microsoft.KeyVault(VaultName={0};SecretName={1})", template, StringComparison.Ordinal);

        var platform = await PlatformAppSettingsAsync();
        var expected = new List<string>
        {
            "AzureWebJobsStorage__blobServiceUri", "AzureWebJobsStorage__queueServiceUri", "AzureWebJobsStorage__tableServiceUri",
            "AzureWebJobsStorage__credential", "AzureWebJobsStorage__clientId",
            "CdrStorage__queueServiceUri", "CdrStorage__credential", "CdrStorage__clientId",
            "APPLICATIONINSIGHTS_CONNECTION_STRING", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
        };
        // Shared keys are off: every storage key the app reads is given in its identity form, never as a connection string.
        var storageKeys = AppSettingsDiscovery.StorageKeys();
        expected.AddRange(storageKeys.Where(k => k.Contains(':', StringComparison.Ordinal)).Select(k => k.Replace(":", "__", StringComparison.Ordinal)));
        Assert.All(expected, name => Assert.Contains(name, platform));
        Assert.DoesNotContain("CdrStorage", platform);
        Assert.DoesNotContain("AzureWebJobsStorage", platform);

        // Flex Consumption rejects these (the runtime comes from functionAppConfig; timers run in UTC).
        string[] rejectedByFlex =
        [
            "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE", "WEBSITE_CONTENTSHARE",
            "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "SCM_DO_BUILD_DURING_DEPLOYMENT", "ENABLE_ORYX_BUILD", "WEBSITE_TIME_ZONE", "TZ",
        ];
        Assert.All(rejectedByFlex, name => Assert.DoesNotContain($"\"{name}\"", template, StringComparison.Ordinal));
        Assert.DoesNotContain("linuxFxVersion", template, StringComparison.Ordinal);
        Assert.Contains("\"version\": \"10.0\"", template, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_vendor_schedule_is_set_in_both_files_because_the_timer_resolves_it_from_settings()
    {
        // %Vendors:<Vendor>:Schedule% on a timer is resolved by the Functions host from app settings; an options
        // default does not reach it, and a timer whose setting is missing is not indexed at all.
        var plain = VendorObject(MainParameters(), "vendorSettings");
        using var sample = JsonDocument.Parse(File.ReadAllText(RepositoryFiles.PathOf("local.settings.sample.json")));
        var values = sample.RootElement.GetProperty("Values");
        foreach (var vendor in Discovered.Select(s => s.Vendor).Distinct())
        {
            Assert.True(plain.TryGetValue(vendor, out var settings) && settings.ContainsKey("Schedule"), $"main.parameters.json lacks {vendor}.Schedule");
            Assert.True(values.TryGetProperty($"Vendors__{vendor}__Schedule", out _), $"local.settings.sample.json lacks Vendors__{vendor}__Schedule");
        }
    }

    [Fact]
    public void Every_required_setting_has_a_value_in_local_settings_sample()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(RepositoryFiles.PathOf("local.settings.sample.json")));
        var values = sample.RootElement.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString(), StringComparer.Ordinal);
        var problems = new List<string>();

        foreach (var setting in Discovered.Where(s => s.Required && !values.ContainsKey(s.AppSettingName)))
        {
            problems.Add($"{setting.AppSettingName} is missing");
        }
        foreach (var name in values.Keys.Where(k => k.StartsWith("Vendors__", StringComparison.Ordinal)))
        {
            if (!Discovered.Any(s => s.AppSettingName == name))
            {
                problems.Add($"{name} is not a setting the app reads");
            }
        }
        // Locally both storage connections are Azurite connection strings.
        foreach (var connection in new[] { "AzureWebJobsStorage", AppSettingsDiscovery.StorageKeys()[0] })
        {
            if (!values.ContainsKey(connection))
            {
                problems.Add($"{connection} is missing");
            }
        }
        Assert.True(problems.Count == 0, "local.settings.sample.json:\n" + string.Join("\n", problems));
    }

    private static bool IsSecret(DiscoveredSetting s) => SecretName().IsMatch(s.VendorKey);

    private static bool Has(Dictionary<string, Dictionary<string, JsonElement>> byVendor, DiscoveredSetting s) =>
        byVendor.TryGetValue(s.Vendor, out var settings) && settings.ContainsKey(s.VendorKey);

    private static IEnumerable<(string Vendor, string Key)> Entries(Dictionary<string, Dictionary<string, JsonElement>> byVendor) =>
        byVendor.SelectMany(v => v.Value.Keys.Select(k => (v.Key, k)));

    private static JsonElement MainParameters()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryFiles.Infra, "main.parameters.json")));
        return doc.RootElement.GetProperty("parameters").Clone();
    }

    /// <summary>{ vendor: { setting: value } } from a parameter; settings may be written "Http:MaxRetries" or "Http__MaxRetries".</summary>
    private static Dictionary<string, Dictionary<string, JsonElement>> VendorObject(JsonElement parameters, string name) =>
        parameters.GetProperty(name).GetProperty("value").EnumerateObject().ToDictionary(
            vendor => vendor.Name,
            vendor => vendor.Value.EnumerateObject().ToDictionary(s => s.Name.Replace("__", ":", StringComparison.Ordinal), s => s.Value.Clone(), StringComparer.Ordinal),
            StringComparer.Ordinal);

    private static readonly Lazy<Task<string>> FunctionAppTemplate = new(() => CompileAsync("modules/functionapp.bicep"));

    private static async Task<string> CompileAsync(string file)
    {
        var result = await BicepCli.RunAsync("build", file, "--stdout");
        Assert.True(result.ExitCode == 0, result.Stderr);
        return result.Stdout;
    }

    /// <summary>
    /// Names of the app settings main.bicep sets itself: the keys of the createObject(...) in the compiled
    /// appsettings resource (its other union arguments are the vendor and extra settings).
    /// </summary>
    private static async Task<List<string>> PlatformAppSettingsAsync()
    {
        using var doc = JsonDocument.Parse(await FunctionAppTemplate.Value);
        var resources = doc.RootElement.GetProperty("resources");
        var all = resources.ValueKind == JsonValueKind.Object ? resources.EnumerateObject().Select(p => p.Value) : resources.EnumerateArray();
        var appSettings = all.Single(r => r.GetProperty("type").GetString() == "Microsoft.Web/sites/config").GetProperty("properties").GetString()!;
        var start = appSettings.IndexOf("createObject(", StringComparison.Ordinal) + "createObject(".Length;
        var arguments = TopLevelArguments(appSettings[start..]);
        return arguments.Where((_, i) => i % 2 == 0).Select(a => a.Trim().Trim('\'')).ToList();
    }

    /// <summary>Splits an ARM expression's argument list at top-level commas, up to its closing parenthesis.</summary>
    private static List<string> TopLevelArguments(string text)
    {
        var arguments = new List<string>();
        var depth = 0;
        var quoted = false;
        var current = new System.Text.StringBuilder();
        foreach (var c in text)
        {
            if (c == '\'')
            {
                quoted = !quoted;
            }
            else if (!quoted && c == '(')
            {
                depth++;
            }
            else if (!quoted && c == ')' && depth-- == 0)
            {
                break;
            }
            else if (!quoted && c == ',' && depth == 0)
            {
                arguments.Add(current.ToString());
                current.Clear();
                continue;
            }
            current.Append(c);
        }
        arguments.Add(current.ToString());
        return arguments;
    }

    [GeneratedRegex("(Token|Secret|Password|Jwt|ApiKey|Key)$", RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();

    [GeneratedRegex("^[0-9A-Za-z-]{1,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyVaultSecretName();
}
