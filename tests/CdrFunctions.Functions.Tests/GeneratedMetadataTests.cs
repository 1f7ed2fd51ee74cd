using System.Text.Json;
using System.Text.RegularExpressions;
using CdrFunctions.Cli.Commands;
using CdrFunctions.Pipeline.Api;
using CdrFunctions.Pipeline.Storage;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CdrFunctions.Functions.Tests;

/// <summary>
/// The functions.metadata the Functions SDK wrote into the app's build output, which is what the Functions
/// host reads, checked against the code's own truth, the settings files and the Bicep deployment.
/// </summary>
public sealed partial class GeneratedMetadataTests
{
    private static readonly IReadOnlyList<JsonElement> Functions = ReadMetadata();

    private static IReadOnlyList<JsonElement> ReadMetadata()
    {
        var path = Path.Combine(RepositoryFiles.FunctionsAppOutput, "functions.metadata");
        Assert.True(File.Exists(path), $"{path} was not generated: build src/CdrFunctions first");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    private static IEnumerable<(string Function, JsonElement Binding)> Triggers(string type) =>
        from f in Functions
        from b in f.GetProperty("bindings").EnumerateArray()
        where b.GetProperty("type").GetString() == type
        select (f.GetProperty("name").GetString()!, b);

    private static HashSet<string> FunctionNames => Functions.Select(f => f.GetProperty("name").GetString()!).ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void The_metadata_lists_exactly_the_functions_in_the_code()
    {
        Assert.Equal(
            FunctionMethods.All.Select(m => $"{FunctionMethods.NameOf(m)} {m.DeclaringType!.FullName}.{m.Name}").Order(StringComparer.Ordinal),
            Functions.Select(f => $"{f.GetProperty("name").GetString()} {f.GetProperty("entryPoint").GetString()}").Order(StringComparer.Ordinal));
        Assert.All(Functions, f => Assert.Equal("dotnet-isolated", f.GetProperty("language").GetString()));
    }

    [Fact]
    public async Task Every_timer_setting_has_a_schedule_in_the_sample_and_in_the_bicep_app_settings()
    {
        var sample = RepositoryFiles.SampleSettingValues();
        using var parameters = JsonDocument.Parse(File.ReadAllText(RepositoryFiles.PathOf("infra", "main.parameters.json")));
        var vendorSettings = parameters.RootElement.GetProperty("parameters").GetProperty("vendorSettings").GetProperty("value");
        var template = await CompiledBicep.Main.Value;
        // The rule that turns vendorSettings into app settings: Vendors__<Vendor>__<Setting>.
        Assert.Contains("Vendors__{0}__{1}", template, StringComparison.Ordinal);

        var timers = Triggers("timerTrigger").ToList();
        Assert.NotEmpty(timers);
        foreach (var (function, binding) in timers)
        {
            var schedule = binding.GetProperty("schedule").GetString()!;
            var match = SettingReference().Match(schedule);
            Assert.True(match.Success, $"{function}: schedule '{schedule}' is not a %Vendors:<Vendor>:Schedule% setting");
            var vendor = match.Groups["vendor"].Value;
            Assert.True(sample.TryGetValue($"Vendors__{vendor}__Schedule", out var local) && IsNcrontab(local),
                $"{function}: local.settings.sample.json has no six-field Vendors__{vendor}__Schedule");
            Assert.True(vendorSettings.TryGetProperty(vendor, out var azure) && azure.TryGetProperty("Schedule", out var cron) && IsNcrontab(cron.GetString()),
                $"{function}: infra/main.parameters.json has no six-field vendorSettings.{vendor}.Schedule");
        }
    }

    [Fact]
    public void Http_routes_and_methods_equal_the_local_hosts_and_the_openapi_document()
    {
        var functions = Triggers("httpTrigger")
            .SelectMany(t => t.Binding.GetProperty("methods").EnumerateArray().Select(m => $"{m.GetString()!.ToUpperInvariant()} {t.Binding.GetProperty("route").GetString()}"))
            .Order(StringComparer.Ordinal).ToList();

        var settings = RepositoryFiles.SampleConfiguration();
        settings["Run:ApiKey"] = "metadata-test";
        var local = RunCommand.Build("http://127.0.0.1:0", settings);
        var localRoutes = ((IEndpointRouteBuilder)local).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} {e.RoutePattern.RawText!.TrimStart('/')[(CdrApiRoutes.Prefix.Length + 1)..].TrimEnd('/')}"))
            .Order(StringComparer.Ordinal).ToList();
        // A route group's own path (the DeepCall push URL) has the raw text "{group}/"; routing matches it without the slash.
        Assert.Equal(localRoutes, functions);

        using var openApi = JsonDocument.Parse(File.ReadAllText(RepositoryFiles.PathOf("openapi", "cdr-api.json")));
        var documented = openApi.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "delete" or "patch")
                .Select(o => $"{o.Name.ToUpperInvariant()} {p.Name.TrimStart('/')}"))
            .Order(StringComparer.Ordinal).ToList();
        // The document describes our lookup API (paths relative to the /api server URL); a vendor's push
        // route takes the vendor's own format and is described on that vendor's page instead.
        var webhooks = CdrApiRoutes.Webhooks[..CdrApiRoutes.Webhooks.IndexOf('/', StringComparison.Ordinal)] + "/";
        Assert.Equal(documented, functions.Where(r => !r.Split(' ')[1].StartsWith(webhooks, StringComparison.Ordinal)));
        Assert.Contains(functions, r => r.Split(' ')[1].StartsWith(webhooks, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_http_function_requires_a_function_key()
    {
        var http = Triggers("httpTrigger").ToList();
        Assert.NotEmpty(http);
        Assert.All(http, t => Assert.Equal("Function", t.Binding.GetProperty("authLevel").GetString()));
    }

    [Fact]
    public async Task Blob_triggers_watch_the_raw_container_on_the_data_connection_that_both_settings_files_give()
    {
        var blobs = Triggers("blobTrigger").ToList();
        Assert.Equal(["EventGrid", "LogsAndContainerScan"], blobs.Select(b => b.Binding.GetProperty("source").GetString()).Order(StringComparer.Ordinal));
        Assert.All(blobs, b => Assert.Equal(CdrStorageNames.RawContainer + "/{name}", b.Binding.GetProperty("path").GetString()));
        Assert.All(blobs, b => Assert.Equal(CdrStorageNames.ConnectionName, b.Binding.GetProperty("connection").GetString()));

        // Locally a connection string; in Azure the identity form (shared keys are off) with the queue the trigger needs.
        Assert.True(RepositoryFiles.SampleSettingValues().ContainsKey(CdrStorageNames.ConnectionName));
        var template = await CompiledBicep.Main.Value;
        foreach (var part in new[] { "blobServiceUri", "queueServiceUri", "tableServiceUri", "credential" })
        {
            Assert.Matches($"[\"']{CdrStorageNames.ConnectionName}__{part}[\"']", template);
        }

        // The Event Grid subscription the deployment creates names the Event Grid twin.
        Assert.Contains(blobs, b => b.Binding.GetProperty("source").GetString() == "EventGrid" && template.Contains($"\"defaultValue\": \"{b.Function}\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_disabled_switch_in_the_sample_and_in_bicep_names_a_real_function()
    {
        var names = RepositoryFiles.SampleSettingValues().Keys.Select(k => DisabledSwitch().Match(k)).Where(m => m.Success).Select(m => m.Groups["name"].Value).ToList();
        using var parameters = JsonDocument.Parse(File.ReadAllText(RepositoryFiles.PathOf("infra", "main.parameters.json")));
        names.AddRange(parameters.RootElement.GetProperty("parameters").GetProperty("extraAppSettings").GetProperty("value").EnumerateObject()
            .Select(p => DisabledSwitch().Match(p.Name)).Where(m => m.Success).Select(m => m.Groups["name"].Value));
        names.AddRange(DisabledSwitch().Matches(await CompiledBicep.Main.Value).Select(m => m.Groups["name"].Value).Where(n => !n.Contains('<', StringComparison.Ordinal)));
        Assert.NotEmpty(names);
        Assert.All(names, name => Assert.Contains(name, FunctionNames));

        // Locally (Azurite sends no Event Grid events) the polling twin runs; in Azure (Flex) the Event Grid one.
        var sample = RepositoryFiles.SampleSettingValues();
        Assert.Equal("true", sample["AzureWebJobs.NormalizeRawBlob.Disabled"]);
        Assert.Equal("false", sample["AzureWebJobs.NormalizeRawBlobPolling.Disabled"]);
    }

    [Fact]
    public async Task The_worker_runtime_is_set_locally_only_and_bicep_sets_nothing_flex_rejects()
    {
        var sample = RepositoryFiles.SampleSettingValues();
        Assert.Equal("dotnet-isolated", sample["FUNCTIONS_WORKER_RUNTIME"]);
        Assert.True(sample.ContainsKey("AzureWebJobsStorage"));

        var template = await CompiledBicep.Main.Value;
        string[] rejectedByFlex =
        [
            "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE", "WEBSITE_CONTENTSHARE",
            "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "SCM_DO_BUILD_DURING_DEPLOYMENT", "ENABLE_ORYX_BUILD", "WEBSITE_TIME_ZONE", "TZ",
            "WEBSITE_NODE_DEFAULT_VERSION",
        ];
        Assert.All(rejectedByFlex, name => Assert.DoesNotContain($"\"{name}\"", template, StringComparison.Ordinal));
        Assert.DoesNotContain("linuxFxVersion", template, StringComparison.Ordinal);
    }

    [Fact]
    public void Host_json_is_a_v2_host_with_the_api_route_prefix_and_no_extension_bundle()
    {
        using var hostJson = JsonDocument.Parse(File.ReadAllText(RepositoryFiles.PathOf("host.json")));
        var root = hostJson.RootElement;
        Assert.Equal("2.0", root.GetProperty("version").GetString());
        Assert.Equal(CdrApiRoutes.Prefix, root.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        // Bundles are for non-.NET workers; the isolated worker brings its extensions in WorkerExtensions.
        Assert.False(root.TryGetProperty("extensionBundle", out _));
        // Flex Consumption allows at most this; a longer timeout is rejected at deployment.
        if (root.TryGetProperty("functionTimeout", out var timeout))
        {
            Assert.True(TimeSpan.TryParse(timeout.GetString(), System.Globalization.CultureInfo.InvariantCulture, out var t) && t > TimeSpan.Zero && t <= TimeSpan.FromHours(4), $"functionTimeout {timeout}");
        }
        // The sample and the build output carry the same host.json the app is deployed with.
        Assert.Equal(File.ReadAllText(RepositoryFiles.PathOf("host.json")), File.ReadAllText(Path.Combine(RepositoryFiles.FunctionsAppOutput, "host.json")));
    }

    private static bool IsNcrontab(string? schedule) => schedule?.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6;

    [GeneratedRegex(@"^%Vendors:(?<vendor>[A-Za-z0-9]+):Schedule%$")]
    private static partial Regex SettingReference();

    [GeneratedRegex(@"AzureWebJobs\.(?<name>[^.""\s]+)\.Disabled")]
    private static partial Regex DisabledSwitch();
}
