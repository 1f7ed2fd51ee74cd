using System.Security.Cryptography;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using CdrFunctions.Pipeline.Landing;
using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Pipeline.Storage;
using CdrFunctions.Simulators.Azurite;
using CdrFunctions.Vendors;
using CdrFunctions.Vendors.Alotech;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CdrFunctions.Bench;

/// <summary>
/// A private Azurite holding one landed raw window, the real <see cref="Normalizer"/> wired as the app wires it,
/// and the baseline: the same entities upserted with nothing but entity-group transactions.
/// </summary>
internal sealed class AzuriteBench : IAsyncDisposable
{
    private const int MaxParallelism = 8;
    private const int BatchSize = 100;

    private static readonly string CuratedName = RawBlobName.TryParse(CpuPipeline.BlobName, out var name)
        ? name.CuratedName
        : throw new InvalidOperationException($"'{CpuPipeline.BlobName}' is not a raw blob name.");

    private readonly AzuriteProcess _azurite;
    private readonly ServiceProvider _services;
    private readonly CdrStorage _storage;
    private readonly Normalizer _normalizer;
    private readonly int _records;

    private AzuriteBench(AzuriteProcess azurite, ServiceProvider services, int records)
    {
        _azurite = azurite;
        _services = services;
        _storage = services.GetRequiredService<CdrStorage>();
        _normalizer = services.GetRequiredService<Normalizer>();
        _records = records;
    }

    public static Task<AzuriteBench> StartAsync(byte[] raw, int records, CancellationToken cancellationToken) =>
        StartAsync(new MemoryStream(raw, writable: false), Convert.ToHexStringLower(SHA256.HashData(raw)), records, new Dictionary<string, string?>(), cancellationToken);

    /// <summary>
    /// Starts Azurite and lands the window read from <paramref name="raw"/> (its SHA-256 given, as the lander knows it);
    /// <paramref name="settings"/> are added to the app's configuration.
    /// </summary>
    public static async Task<AzuriteBench> StartAsync(Stream raw, string sha256, int records, IReadOnlyDictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        var azurite = await AzuriteProcess.StartAsync(ct: cancellationToken);
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["CdrStorage"] = azurite.ConnectionString })
            .AddInMemoryCollection(settings)
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddCdrFunctions(config);
        var bench = new AzuriteBench(azurite, services.BuildServiceProvider(), records);
        await bench.LandAsync(raw, sha256, cancellationToken);
        return bench;
    }

    /// <summary>Uploads the window as the lander does: a block blob with its metadata (no window, so no call is dropped as outside it).</summary>
    private async Task LandAsync(Stream raw, string sha256, CancellationToken cancellationToken)
    {
        await _storage.EnsureCreatedAsync(cancellationToken);
        var metadata = new RawBlobMetadata(AlotechVendor.VendorName, null, _records, sha256, DateTimeOffset.UtcNow);
        await _storage.Raw.GetBlobClient(CpuPipeline.BlobName).UploadAsync(raw, new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
            Metadata = metadata.ToDictionary(),
        }, cancellationToken);
    }

    /// <summary>Untimed: empty calls and claims tables and no curated CSV, so each run is the window's first normalization.</summary>
    public async Task ResetNormalizedAsync(CancellationToken cancellationToken)
    {
        await RecreateAsync(_storage.Calls, cancellationToken);
        await RecreateAsync(_storage.Claims, cancellationToken);
        await _storage.Curated.GetBlobClient(CuratedName).DeleteIfExistsAsync(cancellationToken: cancellationToken);
    }

    public async Task NormalizeAsync(CancellationToken cancellationToken)
    {
        var result = await _normalizer.NormalizeAsync(CpuPipeline.BlobName, cancellationToken);
        if (result.Records != _records || result.Quarantined != 0)
        {
            throw new InvalidOperationException($"Expected {_records} calls, got: {result.Summary}");
        }
    }

    public string ConnectionString => _azurite.ConnectionString;

    /// <summary>A table of the same account, through the same clients the normalizer uses.</summary>
    public TableClient Table(string name) => _storage.Tables.GetTableClient(name);

    /// <summary>Untimed: drops the table (a missing one is fine) and creates it empty.</summary>
    public static async Task RecreateAsync(TableClient table, CancellationToken cancellationToken)
    {
        await table.DeleteAsync(cancellationToken);
        await table.CreateAsync(cancellationToken);
    }

    /// <summary>Batches of at most 100 entities of one partition, as transactions take them; built before timing.</summary>
    public static List<TableTransactionAction[]> Batches(IEnumerable<ITableEntity> entities) =>
        entities
            .GroupBy(e => e.PartitionKey, StringComparer.Ordinal)
            .SelectMany(partition => partition.Chunk(BatchSize))
            .Select(chunk => chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)).ToArray())
            .ToList();

    /// <summary>Baseline: nothing but the transactions, as many in flight as the normalizer's writer allows.</summary>
    public static Task UpsertAsync(TableClient table, IReadOnlyList<TableTransactionAction[]> batches, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            batches,
            new ParallelOptions { MaxDegreeOfParallelism = MaxParallelism, CancellationToken = cancellationToken },
            async (batch, ct) => await table.SubmitTransactionAsync(batch, ct));

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _azurite.DisposeAsync();
    }
}
