using System.Text.Json;
using CdrFunctions.Cli.Commands;
using CdrFunctions.Pipeline.Vendors;
using Microsoft.Extensions.DependencyInjection;

namespace CdrFunctions.Functions.Tests;

/// <summary>
/// <c>cdr simulate --write-settings</c> makes the local.settings.json that the README's Core Tools steps and the
/// workflow's func start smoke job use: the sample with a vendor pointed at its simulator.
/// </summary>
[Collection(FunctionsAppCollection.Name)]
public sealed class SimulatedSettingsFileTests(FunctionsAppFixture fixture)
{
    [Fact]
    public void The_written_settings_start_the_app_with_the_vendor_on_its_simulator()
    {
        var simulation = fixture.Simulation("alotech");
        var file = SimulateCommand.CoreToolsSettings(File.ReadAllText(RepositoryFiles.PathOf("local.settings.sample.json")), simulation.Settings);

        using var written = JsonDocument.Parse(file);
        var values = written.RootElement.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal("dotnet-isolated", values["FUNCTIONS_WORKER_RUNTIME"]);
        Assert.Equal(simulation.Settings["Vendors:Alotech:BaseUrl"], values["Vendors__Alotech__BaseUrl"]);

        // As Core Tools hands Values to the worker: environment variables, "__" read as ":".
        var settings = values.ToDictionary(kv => kv.Key.Replace("__", ":", StringComparison.Ordinal), kv => kv.Value);
        settings["CdrStorage"] = fixture.Azurite.ConnectionString;
        using var host = FunctionsAppHost.Build(settings);
        host.ValidateOptionsOnStart();
        Assert.True(host.Services.GetRequiredService<VendorCatalog>().TryGet("alotech", out var alotech));
        Assert.True(alotech.Schedule.Enabled && alotech.IsConfigured);
    }
}
