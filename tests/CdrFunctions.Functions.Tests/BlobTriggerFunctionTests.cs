using System.Net;
using System.Net.Sockets;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CdrFunctions.Pipeline.Landing;
using CdrFunctions.Pipeline.Lookup;
using CdrFunctions.Pipeline.Pull;
using CdrFunctions.Pipeline.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CdrFunctions.Functions.Tests;

/// <summary>Both blob-trigger twins, given a real <see cref="BlobClient"/> on Azurite, normalize a raw blob.</summary>
[Collection(FunctionsAppCollection.Name)]
public sealed class BlobTriggerFunctionTests(FunctionsAppFixture fixture)
{
    private static readonly DateTimeOffset WindowStart = FunctionsAppFixture.StartFrom;

    public static TheoryData<string> BlobFunctions()
    {
        var data = new TheoryData<string>();
        foreach (var method in FunctionMethods.All.Where(m => FunctionMethods.Trigger<BlobTriggerAttribute>(m) is not null))
        {
            data.Add(FunctionMethods.NameOf(method));
        }
        return data;
    }

    [Fact]
    public void The_twins_are_the_event_grid_and_the_polling_trigger_on_the_raw_container()
    {
        var triggers = FunctionMethods.All.Select(FunctionMethods.Trigger<BlobTriggerAttribute>).OfType<BlobTriggerAttribute>().ToList();
        Assert.Equal([BlobTriggerSource.LogsAndContainerScan, BlobTriggerSource.EventGrid], triggers.Select(t => t.Source).Order());
        Assert.All(triggers, t => Assert.Equal("cdr-raw/{name}", t.BlobPath));
        Assert.All(triggers, t => Assert.Equal("CdrStorage", t.Connection));
    }

    [Theory]
    [MemberData(nameof(BlobFunctions))]
    public async Task A_raw_blob_becomes_table_rows_a_curated_file_and_quarantine(string functionName)
    {
        await fixture.ResetStorageAsync();
        using var host = BuildHost();
        var window = new Pipeline.Time.TimeWindow(WindowStart, WindowStart.AddHours(1));
        await host.Services.GetRequiredService<PullRunner>().BackfillAsync("alotech", window.Start, window.End, null, CancellationToken.None);
        var raw = RawBlobName.ForWindow("alotech", window, "json");
        var properties = (await Container("cdr-raw").GetBlobClient(raw.Name).GetPropertiesAsync()).Value;
        var recordCount = RawBlobMetadata.RecordCountOf(properties.Metadata)!.Value;

        await InvokeAsync(host, functionName, Container("cdr-raw").GetBlobClient(raw.Name));

        var simulation = fixture.Simulation("alotech");
        var valid = simulation.ValidCallsBetween(window.Start, window.End);
        var curated = (await Container("cdr-curated").GetBlobClient(raw.CuratedName).DownloadContentAsync()).Value.Content.ToString();
        Assert.Equal(valid, curated.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1);
        var sample = simulation.SampleCallId(window.Start, window.End)!;
        Assert.NotNull(await host.Services.GetRequiredService<CallLookup>().GetAsync("alotech", sample, CancellationToken.None));
        var quarantine = Container("cdr-quarantine").GetBlobClient(raw.QuarantineName);
        // Records that are neither valid calls nor quarantined are duplicates or belong to a neighbouring window.
        var notValid = recordCount - valid;
        if (notValid > 0)
        {
            Assert.True(await quarantine.ExistsAsync(), $"{notValid} records were not valid calls, but nothing was quarantined");
            var lines = (await quarantine.DownloadContentAsync()).Value.Content.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.InRange(lines.Length, 1, notValid);
            Assert.All(lines, line => Assert.Contains("\"reason\"", line, StringComparison.Ordinal));
        }
        else
        {
            Assert.False(await quarantine.ExistsAsync());
        }
    }

    [Theory]
    [MemberData(nameof(BlobFunctions))]
    public async Task A_file_the_parser_cannot_read_is_quarantined_without_an_exception(string functionName)
    {
        await fixture.ResetStorageAsync();
        using var host = BuildHost();
        var raw = RawBlobName.ForWindow("alotech", new(WindowStart, WindowStart.AddHours(1)), "json");
        var blob = Container("cdr-raw").GetBlobClient(raw.Name);
        await blob.UploadAsync(BinaryData.FromString("{\"CallList\": [ {\"key\": \"trunc"), overwrite: true);

        await InvokeAsync(host, functionName, blob);

        var quarantined = (await Container("cdr-quarantine").GetBlobClient(raw.QuarantineName).DownloadContentAsync()).Value.Content.ToString();
        Assert.Contains("reason", quarantined, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BlobFunctions))]
    public async Task A_storage_failure_surfaces_so_the_host_retries(string functionName)
    {
        // Data storage on a loopback port nobody listens on: the kind of failure the runtime must retry.
        var settings = fixture.Settings();
        var unreachable = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Simulators.Azurite.AzuriteProcess.AccountKey};"
            + $"BlobEndpoint=http://127.0.0.1:{ClosedPort()}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{ClosedPort()}/devstoreaccount1;";
        settings["CdrStorage"] = unreachable;
        using var host = FunctionsAppHost.Build(settings);
        var blob = new BlobServiceClient(unreachable).GetBlobContainerClient("cdr-raw").GetBlobClient("alotech/2026/11/22/0800.json");

        // The specific failure, not any exception: a bug in the function (a NullReferenceException) must not pass.
        await Assert.ThrowsAsync<StorageUnreachableException>(() => InvokeAsync(host, functionName, blob));
    }

    private Microsoft.Extensions.Hosting.IHost BuildHost() => FunctionsAppHost.Build(fixture.Settings(),
        services => services.AddSingleton<TimeProvider>(new FakeTimeProvider(FunctionsAppFixture.Now)));

    private static Task InvokeAsync(Microsoft.Extensions.Hosting.IHost host, string functionName, BlobClient blob)
    {
        var method = FunctionMethods.Named(functionName);
        return method.InvokeAsync(ActivatorUtilities.CreateInstance(host.Services, method.DeclaringType!), blob, CancellationToken.None);
    }

    private BlobContainerClient Container(string name) => fixture.Blobs.GetBlobContainerClient(name);

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
