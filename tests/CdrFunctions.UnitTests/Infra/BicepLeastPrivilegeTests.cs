using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CdrFunctions.Tests.Infra;

/// <summary>
/// The compiled template (infra/main.bicep through the Bicep CLI) has the security properties docs/security.md
/// promises: narrowest roles and scopes, the Functions host's storage apart from the call data, Power BI reading
/// curated data only, Key Vault purge protection, network restriction one switch away (and off by default), blob
/// and container soft delete, diagnostic settings to Log Analytics, basic-auth publishing off.
/// </summary>
public partial class BicepLeastPrivilegeTests
{
    private static readonly Lazy<Task<JsonObject>> Compiled = new(CompileAsync);

    /// <summary>Built-in roles that must never be assigned: Owner, Contributor, User Access Administrator, Storage Account Contributor.</summary>
    private static readonly string[] BroadRoles =
    [
        "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "b24988ac-6180-42a0-ab88-20f7382dd24c", "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
        "17d1049b-9a84-46fb-8f53-869881c3d3ab",
    ];

    private static async Task<JsonObject> CompileAsync()
    {
        var build = await BicepCli.RunAsync("build", "main.bicep", "--stdout");
        Assert.True(build.ExitCode == 0 && build.Stderr.Trim().Length == 0, build.Stderr);
        return JsonNode.Parse(build.Stdout)!.AsObject();
    }

    [Fact]
    public async Task Network_restriction_parameters_exist_and_are_off_by_default()
    {
        var parameters = (await Compiled.Value)["parameters"]!.AsObject();
        Assert.False(parameters["networkRestricted"]!["defaultValue"]!.GetValue<bool>());
        Assert.False(parameters["keyVaultNetworkRestricted"]!["defaultValue"]!.GetValue<bool>());
        Assert.Empty(parameters["allowedIpRanges"]!["defaultValue"]!.AsArray());
        Assert.Equal("", parameters["virtualNetworkSubnetId"]!["defaultValue"]!.GetValue<string>());

        // Each firewall follows its switch, and the allowed ranges and subnet reach it.
        foreach (var module in new[] { "storage", "hostStorage", "vault" })
        {
            var passed = Module(await Compiled.Value, module)["properties"]!["parameters"]!.AsObject();
            Assert.Equal(module == "vault" ? "[parameters('keyVaultNetworkRestricted')]" : "[parameters('networkRestricted')]", Value(passed, "networkRestricted"));
            Assert.Equal("[parameters('allowedIpRanges')]", Value(passed, "allowedIpRanges"));
            Assert.Equal("[parameters('virtualNetworkSubnetId')]", Value(passed, "virtualNetworkSubnetId"));
        }
        foreach (var type in new[] { "Microsoft.Storage/storageAccounts", "Microsoft.KeyVault/vaults" })
        {
            var resource = Resources(Template(await Compiled.Value, type == "Microsoft.KeyVault/vaults" ? "vault" : "storage")).Single(r => Type(r) == type);
            var acls = resource["properties"]!["networkAcls"]!;
            Assert.Equal("[if(parameters('networkRestricted'), 'Deny', 'Allow')]", acls["defaultAction"]!.GetValue<string>());
            Assert.Contains("allowedIpRanges", acls["ipRules"]!.ToJsonString(), StringComparison.Ordinal);
            Assert.Contains("virtualNetworkSubnetId", acls["virtualNetworkRules"]!.ToJsonString(), StringComparison.Ordinal);
        }
        var site = Resources(Template(await Compiled.Value, "app")).Single(r => Type(r) == "Microsoft.Web/sites");
        Assert.Contains("virtualNetworkSubnetId", site["properties"]!["virtualNetworkSubnetId"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Private_endpoints_are_one_parameter_away_and_off_by_default()
    {
        var main = await Compiled.Value;
        Assert.Equal("", main["parameters"]!["privateEndpointSubnetId"]!["defaultValue"]!.GetValue<string>());
        Assert.Equal("[not(empty(parameters('privateEndpointSubnetId')))]", Module(main, "privateEndpoints")["condition"]!.GetValue<string>());

        // Both storage accounts and the vault, each endpoint with a private DNS zone linked to the subnet's network.
        var passed = Module(main, "privateEndpoints")["properties"]!["parameters"]!.AsObject();
        Assert.Equal("[parameters('privateEndpointSubnetId')]", Value(passed, "subnetId"));
        var accounts = passed["storageAccountIds"]!["value"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
        Assert.Equal(["[reference('storage').outputs.id.value]", "[reference('hostStorage').outputs.id.value]"], accounts);
        Assert.Equal("[reference('vault').outputs.id.value]", Value(passed, "keyVaultId"));
        var template = Template(main, "privateEndpoints");
        var variables = template["variables"]!.AsObject();
        Assert.Equal(["blob", "queue", "table"], variables["storageServices"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Contains("'group', 'vault'", variables["targets"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("privatelink.vaultcore.azure.net", variables["zoneNames"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(
            ["Microsoft.Network/privateDnsZones", "Microsoft.Network/privateDnsZones/virtualNetworkLinks", "Microsoft.Network/privateEndpoints", "Microsoft.Network/privateEndpoints/privateDnsZoneGroups"],
            Resources(template).Select(Type).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_host_storage_and_the_call_data_are_separate_accounts()
    {
        var main = await Compiled.Value;
        var data = Module(main, "storage")["properties"]!["parameters"]!.AsObject();
        var host = Module(main, "hostStorage")["properties"]!["parameters"]!.AsObject();
        Assert.NotEqual(Value(data, "name"), Value(host, "name"));
        Assert.Equal(["cdr-raw", "cdr-curated", "cdr-quarantine"], data["containers"]!["value"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal("[variables('deploymentContainerName')]", Assert.Single(host["containers"]!["value"]!.AsArray())!.GetValue<string>());
        Assert.Null(host["tables"]);

        // The host's connection and its package point at the host account; the data connection at the data account.
        var app = Template(main, "app");
        var settings = Resources(app).Single(r => Type(r) == "Microsoft.Web/sites/config")["properties"]!.GetValue<string>();
        Assert.Matches(@"'AzureWebJobsStorage__blobServiceUri', reference\('hostStorage'\)", settings);
        Assert.Matches(@"'AzureWebJobsStorage__queueServiceUri', reference\('hostStorage'\)", settings);
        Assert.Matches(@"'AzureWebJobsStorage__tableServiceUri', reference\('hostStorage'\)", settings);
        Assert.Matches(@"'CdrStorage__blobServiceUri', reference\('dataStorage'\)", settings);
        Assert.Matches(@"'CdrStorage__queueServiceUri', reference\('dataStorage'\)", settings);
        Assert.Matches(@"'CdrStorage__tableServiceUri', reference\('dataStorage'\)", settings);
        var site = Resources(app).Single(r => Type(r) == "Microsoft.Web/sites");
        Assert.Contains("reference('hostStorage')", site["properties"]!["functionAppConfig"]!["deployment"]!["storage"]!["value"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("[parameters('hostStorageAccountName')]", Resources(app).First(r => Type(r) == "Microsoft.Storage/storageAccounts" && r["name"]!.GetValue<string>().Contains("host", StringComparison.Ordinal))["name"]!.GetValue<string>());
        Assert.Equal("[reference('hostStorage').outputs.name.value]", Value(Module(main, "app")["properties"]!["parameters"]!.AsObject(), "hostStorageAccountName"));
        Assert.Equal("[reference('storage').outputs.name.value]", Value(Module(main, "app")["properties"]!["parameters"]!.AsObject(), "dataStorageAccountName"));
    }

    [Fact]
    public async Task Roles_are_the_narrowest_that_work_at_the_narrowest_scope()
    {
        var main = await Compiled.Value;
        Assert.All(BroadRoles, guid => Assert.DoesNotContain(guid, main.ToJsonString(), StringComparison.OrdinalIgnoreCase));
        var rbac = Template(main, "rbac");
        var assignments = Assignments(rbac);
        Assert.All(assignments, a => Assert.False(string.IsNullOrEmpty(a.Scope), "an assignment at resource-group scope"));

        // Owner of blobs: the host's own account, and cdr-raw for the blob trigger; nowhere else, to no one else.
        var owners = assignments.Where(a => a.Roles.Contains("storageBlobDataOwner")).ToList();
        Assert.Equal(2, owners.Count);
        Assert.All(owners, a => Assert.Equal("appPrincipalId", a.Principal));
        Assert.Contains(owners, a => a.Scope == "[resourceId('Microsoft.Storage/storageAccounts', parameters('hostStorageAccountName'))]");
        Assert.Contains(owners, a => a.Scope.Contains("'cdr-raw'", StringComparison.Ordinal));

        // Nobody but the app's identity has any role on the host's storage.
        Assert.All(assignments.Where(a => a.Scope.Contains("hostStorageAccountName", StringComparison.Ordinal)), a => Assert.Equal("appPrincipalId", a.Principal));
        // The app writes curated and quarantine blobs as a contributor at container scope.
        Assert.Contains(assignments, a => a.Principal == "appPrincipalId" && a.Roles.SetEquals(["storageBlobDataContributor"]) && a.Scope.Contains("'cdr-curated'", StringComparison.Ordinal));
        Assert.Contains(assignments, a => a.Principal == "appPrincipalId" && a.Roles.SetEquals(["storageBlobDataContributor"]) && a.Scope.Contains("'cdr-quarantine'", StringComparison.Ordinal));
        Assert.DoesNotContain(assignments, a => a.Principal == "appPrincipalId" && a.Roles.Contains("storageBlobDataContributor") && !a.Scope.Contains("containers", StringComparison.Ordinal));
        // Key Vault: the app only reads secrets.
        Assert.Contains(assignments, a => a.Principal == "appPrincipalId" && a.Roles.SetEquals(["keyVaultSecretsUser"]));
        Assert.DoesNotContain(assignments, a => a.Principal == "appPrincipalId" && a.Roles.Contains("keyVaultSecretsOfficer"));

        // Power BI readers: read, curated only.
        var powerBi = Assert.Single(assignments, a => a.Principal == "powerBiReaderPrincipalId");
        Assert.True(powerBi.Roles.SetEquals(["storageBlobDataReader"]));
        Assert.Equal("[resourceId('Microsoft.Storage/storageAccounts/blobServices/containers', parameters('dataStorageAccountName'), 'default', 'cdr-curated')]", powerBi.Scope);
    }

    [Fact]
    public async Task Key_vault_has_purge_protection_rbac_and_an_audit_log()
    {
        var vault = Template(await Compiled.Value, "vault");
        var properties = Resources(vault).Single(r => Type(r) == "Microsoft.KeyVault/vaults")["properties"]!;
        Assert.True(properties["enablePurgeProtection"]!.GetValue<bool>());
        Assert.True(properties["enableSoftDelete"]!.GetValue<bool>());
        Assert.True(properties["enableRbacAuthorization"]!.GetValue<bool>());
        var diagnostics = Assert.Single(Resources(vault), r => Type(r) == "Microsoft.Insights/diagnosticSettings");
        Assert.Equal("[parameters('logAnalyticsWorkspaceId')]", diagnostics["properties"]!["workspaceId"]!.GetValue<string>());
        Assert.Contains("audit", diagnostics["properties"]!["logs"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Both_storage_accounts_keep_deleted_blobs_and_containers_and_log_to_log_analytics()
    {
        var main = await Compiled.Value;
        foreach (var module in new[] { "storage", "hostStorage" })
        {
            var template = Template(main, module);
            var account = Resources(template).Single(r => Type(r) == "Microsoft.Storage/storageAccounts")["properties"]!;
            Assert.False(account["allowSharedKeyAccess"]!.GetValue<bool>());
            Assert.False(account["allowBlobPublicAccess"]!.GetValue<bool>());
            Assert.Equal("TLS1_2", account["minimumTlsVersion"]!.GetValue<string>());
            var blob = Resources(template).Single(r => Type(r) == "Microsoft.Storage/storageAccounts/blobServices")["properties"]!;
            Assert.True(blob["deleteRetentionPolicy"]!["enabled"]!.GetValue<bool>());
            Assert.True(blob["containerDeleteRetentionPolicy"]!["enabled"]!.GetValue<bool>());
            var diagnostics = Resources(template).Where(r => Type(r) == "Microsoft.Insights/diagnosticSettings").ToList();
            Assert.Equal(3, diagnostics.Count); // blob, queue, table
            Assert.All(diagnostics, d => Assert.Equal("[parameters('logAnalyticsWorkspaceId')]", d["properties"]!["workspaceId"]!.GetValue<string>()));
            Assert.All(diagnostics, d => Assert.Equal(["StorageRead", "StorageWrite", "StorageDelete"], Logs(template, d)));
            Assert.Equal("[reference('monitoring').outputs.workspaceId.value]", Value(Module(main, module)["properties"]!["parameters"]!.AsObject(), "logAnalyticsWorkspaceId"));
        }
        Assert.Contains(Resources(Template(main, "eventGrid")), r => Type(r) == "Microsoft.Insights/diagnosticSettings");
    }

    [Fact]
    public async Task Publishing_with_user_name_and_password_is_off()
    {
        var app = Template(await Compiled.Value, "app");
        var policies = Resources(app).Where(r => Type(r) == "Microsoft.Web/sites/basicPublishingCredentialsPolicies").ToList();
        Assert.Equal(["ftp", "scm"], policies.Select(p => PolicyName().Match(p["name"]!.GetValue<string>()).Groups[1].Value).Order());
        Assert.All(policies, p => Assert.False(p["properties"]!["allow"]!.GetValue<bool>()));
        var site = Resources(app).Single(r => Type(r) == "Microsoft.Web/sites")["properties"]!;
        Assert.True(site["httpsOnly"]!.GetValue<bool>());
        Assert.Equal("Disabled", site["siteConfig"]!["ftpsState"]!.GetValue<string>());
    }

    private sealed record Assignment(string Scope, string Principal, HashSet<string> Roles);

    private static List<Assignment> Assignments(JsonObject rbac)
    {
        var variables = rbac["variables"]!.AsObject();
        return Resources(rbac).Where(r => Type(r) == "Microsoft.Authorization/roleAssignments").Select(r =>
        {
            var roleExpression = r["properties"]!["roleDefinitionId"]!.GetValue<string>();
            // A role is variables('roles').<name>, directly or through an array variable indexed by copyIndex().
            var roles = RoleName().Matches(roleExpression).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
            foreach (Match array in ArrayVariable().Matches(roleExpression))
            {
                var items = variables[array.Groups[1].Value]!.AsArray().Select(i => i!.GetValue<string>());
                roles.UnionWith(items.SelectMany(i => RoleName().Matches(i).Select(m => m.Groups[1].Value)));
            }
            Assert.NotEmpty(roles);
            var principal = PrincipalParameter().Match(r["properties"]!["principalId"]!.GetValue<string>()).Groups[1].Value;
            return new Assignment(r["scope"]?.GetValue<string>() ?? "", principal, roles);
        }).ToList();
    }

    private static JsonObject Module(JsonObject main, string symbol) => Resources(main)
        .Single(r => Type(r) == "Microsoft.Resources/deployments" && r["name"]!.GetValue<string>().StartsWith($"[format('{symbol}-", StringComparison.Ordinal));

    private static JsonObject Template(JsonObject main, string module) => Module(main, module)["properties"]!["template"]!.AsObject();

    /// <summary>Resources of a template in either form: an array, or (language version 2.0) an object by symbolic name.</summary>
    private static IEnumerable<JsonObject> Resources(JsonObject template) => template["resources"] switch
    {
        JsonArray array => array.Select(r => r!.AsObject()),
        JsonObject byName => byName.Select(p => p.Value!.AsObject()),
        _ => [],
    };

    /// <summary>The log categories of a diagnostic setting, given inline or as a variable.</summary>
    private static IEnumerable<string> Logs(JsonObject template, JsonObject setting)
    {
        var logs = setting["properties"]!["logs"]!;
        if (logs is JsonValue reference)
        {
            logs = template["variables"]![VariableName().Match(reference.GetValue<string>()).Groups[1].Value]!;
        }
        return logs.AsArray().Where(l => l!["enabled"]!.GetValue<bool>()).Select(l => l!["category"]!.GetValue<string>());
    }

    private static string Type(JsonObject resource) => resource["type"]!.GetValue<string>();

    private static string Value(JsonObject parameters, string name) => parameters[name]!["value"]!.GetValue<string>();

    [GeneratedRegex(@"roles'\)\.(\w+)")]
    private static partial Regex RoleName();

    [GeneratedRegex(@"variables\('(\w+Roles)'\)")]
    private static partial Regex ArrayVariable();

    [GeneratedRegex(@"^\[variables\('(\w+)'\)\]$")]
    private static partial Regex VariableName();

    [GeneratedRegex(@"parameters\('(\w+)'\)")]
    private static partial Regex PrincipalParameter();

    [GeneratedRegex(@"'(ftp|scm)'\)\]$")]
    private static partial Regex PolicyName();
}
