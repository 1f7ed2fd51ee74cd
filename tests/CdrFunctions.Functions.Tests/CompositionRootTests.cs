using CdrFunctions.Simulators.Azurite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CdrFunctions.Functions.Tests;

/// <summary>The worker's services, built through the app's own composition method with the sample settings.</summary>
public sealed class CompositionRootTests
{
    private static readonly string Azurite = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteProcess.AccountKey};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;";

    private static Dictionary<string, string?> SampleOnAzurite()
    {
        var settings = RepositoryFiles.SampleConfiguration();
        settings["CdrStorage"] = Azurite;
        settings["AzureWebJobsStorage"] = Azurite;
        return settings;
    }

    [Fact]
    public void The_sample_settings_build_every_function_class_and_pass_start_up_validation()
    {
        using var host = FunctionsAppHost.Build(SampleOnAzurite());
        host.ValidateOptionsOnStart();
        Assert.Equal(["ApiFunctions", "NormalizeFunctions", "PullFunctions", "WebhookFunctions"], FunctionsAppHost.FunctionClasses.Select(t => t.Name));
        foreach (var type in FunctionsAppHost.FunctionClasses)
        {
            Assert.NotNull(ActivatorUtilities.CreateInstance(host.Services, type));
        }
    }

    [Theory]
    [InlineData("Vendors:Alotech:AppToken", "AppToken")]
    [InlineData("CdrStorage", "CdrStorage")]
    public void A_missing_required_setting_fails_start_up_naming_it(string removed, string named)
    {
        var settings = SampleOnAzurite();
        Assert.True(settings.Remove(removed), $"the sample has no {removed}");
        using var host = FunctionsAppHost.Build(settings);
        var failure = Assert.ThrowsAny<Exception>(host.ValidateOptionsOnStart);
        Assert.True(failure is OptionsValidationException or InvalidOperationException, failure.ToString());
        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
    }
}
