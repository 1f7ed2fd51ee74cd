using Azure.Storage.Blobs;
using CdrFunctions.Pipeline.Storage;
using CdrFunctions.Simulators.Azurite;
using CdrFunctions.Simulators.Common;

namespace CdrFunctions.Functions.Tests;

/// <summary>
/// One Azurite and every vendor simulator for the Functions app's tests, started once. Settings are the
/// sample's (local.settings.sample.json) with storage on this Azurite and each vendor on its simulator.
/// </summary>
public sealed class FunctionsAppFixture : IAsyncLifetime
{
    /// <summary>The tests' clock: windows up to 11:00 UTC have settled.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 7, 0, TimeSpan.Zero);

    /// <summary>Where a vendor without a checkpoint starts; with <see cref="Now"/> three windows are due.</summary>
    public static readonly DateTimeOffset StartFrom = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);

    private IReadOnlyList<IVendorSimulation> _simulations = [];

    public AzuriteProcess Azurite { get; private set; } = null!;

    public IVendorSimulation Simulation(string vendor) => _simulations.Single(s => s.Vendor == vendor);

    public async Task InitializeAsync()
    {
        Azurite = await AzuriteProcess.StartAsync();
        _simulations = await VendorSimulations.StartAllAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        foreach (var simulation in _simulations)
        {
            await simulation.DisposeAsync();
        }
        if (Azurite is not null)
        {
            await Azurite.DisposeAsync();
        }
    }

    /// <summary>The sample settings pointed at this Azurite and the simulators, every vendor on, timers idle in tests.</summary>
    public Dictionary<string, string?> Settings()
    {
        var settings = RepositoryFiles.SampleConfiguration();
        settings["CdrStorage"] = Azurite.ConnectionString;
        settings["AzureWebJobsStorage"] = Azurite.ConnectionString;
        foreach (var simulation in _simulations)
        {
            foreach (var (key, value) in simulation.Settings)
            {
                settings[key] = value;
            }
        }
        foreach (var section in settings.Keys.Where(k => k.EndsWith(":Schedule", StringComparison.Ordinal)).ToList())
        {
            settings[section[..^":Schedule".Length] + ":StartFrom"] = StartFrom.ToString("O");
        }
        return settings;
    }

    /// <summary>Empties the data storage, so each test starts from nothing on the shared Azurite.</summary>
    public async Task ResetStorageAsync()
    {
        var storage = CdrStorage.FromConnectionString(Azurite.ConnectionString);
        await storage.EnsureCreatedAsync(CancellationToken.None);
        foreach (var container in new[] { storage.Raw, storage.Curated, storage.Quarantine })
        {
            await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, null, CancellationToken.None))
            {
                await container.DeleteBlobIfExistsAsync(blob.Name);
            }
        }
        foreach (var table in new[] { storage.Calls, storage.Checkpoints, storage.Receipts })
        {
            await table.CreateIfNotExistsAsync();
            await foreach (var row in table.QueryAsync<Azure.Data.Tables.TableEntity>(select: ["PartitionKey", "RowKey"]))
            {
                await table.DeleteEntityAsync(row.PartitionKey, row.RowKey);
            }
        }
    }

    public BlobServiceClient Blobs => new(Azurite.ConnectionString);
}

[CollectionDefinition(Name)]
public sealed class FunctionsAppCollection : ICollectionFixture<FunctionsAppFixture>
{
    public const string Name = "Functions app on Azurite and the simulators";
}
