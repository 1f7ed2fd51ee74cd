using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using CdrFunctions.Pipeline.Landing;
using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Pipeline.Storage;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Tests.Integration;
using CdrFunctions.Vendors;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CdrFunctions.Tests.Pipeline.Normalize;

/// <summary>A call as the test's vendor (Alotech) reports it.</summary>
internal sealed record WorldCall(string Id, DateTimeOffset Start, string Agent);

/// <summary>One storage account with the production service graph (Alotech registered, nothing pulled).</summary>
internal sealed class OwnershipWorld : IAsyncDisposable
{
    private static readonly TimeZoneInfo Istanbul = TimeZoneInfo.FindSystemTimeZoneById("Europe/Istanbul");
    private readonly ServiceProvider _services;

    private OwnershipWorld(ServiceProvider services) => _services = services;

    public CdrStorage Storage => _services.GetRequiredService<CdrStorage>();

    /// <summary>
    /// A new world; <paramref name="storage"/> builds its storage from the connection string, to watch or hold requests;
    /// <paramref name="settings"/> adds configuration.
    /// </summary>
    public static async Task<OwnershipWorld> StartAsync(Func<string, CdrStorage>? storage = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var connection = await AzuriteFixture.NewStorageAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CdrStorage"] = connection,
            ["Vendors:Alotech:TimeZone"] = "Europe/Istanbul",
        }).AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        if (storage is not null)
        {
            services.AddSingleton(storage(connection));
        }
        services.AddCdrFunctions(configuration);
        return new OwnershipWorld(services.BuildServiceProvider());
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    public async Task NormalizeAsync(string blob) =>
        await _services.GetRequiredService<Normalizer>().NormalizeAsync(blob, CancellationToken.None);

    public Task<NormalizeResult> NormalizeWithResultAsync(string blob) =>
        _services.GetRequiredService<Normalizer>().NormalizeAsync(blob, CancellationToken.None);

    public Task<string> LandWindowAsync(TimeWindow window, IReadOnlyList<WorldCall> calls, DateTimeOffset pulledAt) =>
        UploadAsync(RawBlobName.ForWindow("alotech", window, "json").Name, "[" + Page(calls) + "]", window, calls.Count, pulledAt);

    public Task<string> LandDocumentAsync(string stem, WorldCall call, DateTimeOffset day, DateTimeOffset pulledAt) =>
        UploadAsync(new RawBlobName("alotech", day, stem, "json").Name, Page([call]), null, 1, pulledAt);

    private async Task<string> UploadAsync(string name, string json, TimeWindow? window, int records, DateTimeOffset pulledAt)
    {
        await Storage.EnsureCreatedAsync(CancellationToken.None);
        var bytes = Encoding.UTF8.GetBytes(json);
        var metadata = new RawBlobMetadata("alotech", window, records, Convert.ToHexStringLower(SHA256.HashData(bytes)), pulledAt).ToDictionary();
        await Storage.Raw.GetBlobClient(name).UploadAsync(new BinaryData(bytes), new BlobUploadOptions { Metadata = metadata });
        return name;
    }

    private static string Page(IEnumerable<WorldCall> calls)
    {
        var list = new JsonArray();
        foreach (var c in calls)
        {
            var local = TimeZoneInfo.ConvertTime(c.Start, Istanbul);
            list.Add(new JsonObject
            {
                ["key"] = c.Id,
                ["calldate"] = local.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                ["hangupdate"] = local.AddSeconds(90).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                ["answered"] = true,
                ["inbound"] = true,
                ["callerid"] = "0532123456" + (c.Id.Length % 10).ToString(CultureInfo.InvariantCulture),
                ["called_num"] = "02125551234",
                ["agent"] = c.Agent,
            });
        }
        return new JsonObject { ["CallList"] = list }.ToJsonString();
    }

    public async Task<Dictionary<string, (BinaryData Content, IDictionary<string, string> Metadata)>> RawBlobsAsync()
    {
        var blobs = new Dictionary<string, (BinaryData, IDictionary<string, string>)>(StringComparer.Ordinal);
        await foreach (var item in Storage.Raw.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata }))
        {
            var content = (await Storage.Raw.GetBlobClient(item.Name).DownloadContentAsync()).Value.Content;
            blobs[item.Name] = (content, item.Metadata);
        }
        return blobs;
    }

    public async Task CopyRawAsync(string name, (BinaryData Content, IDictionary<string, string> Metadata) blob)
    {
        await Storage.EnsureCreatedAsync(CancellationToken.None);
        await Storage.Raw.GetBlobClient(name).UploadAsync(blob.Content, new BlobUploadOptions { Metadata = blob.Metadata });
    }

    public async Task<TableEntity?> ByIdAsync(string callId)
    {
        var (pk, rk) = TableKeys.ById("alotech", callId);
        var row = await Storage.Calls.GetEntityIfExistsAsync<TableEntity>(pk, rk);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>Empties every container and table, so one storage account serves several runs of a test.</summary>
    public async Task ResetAsync()
    {
        await Storage.EnsureCreatedAsync(CancellationToken.None);
        foreach (var container in new[] { Storage.Raw, Storage.Curated, Storage.Quarantine })
        {
            await foreach (var item in container.GetBlobsAsync())
            {
                await container.DeleteBlobAsync(item.Name);
            }
        }
        foreach (var table in new[] { Storage.Calls, Storage.Claims, Storage.Checkpoints, Storage.Receipts, Storage.BlobStatus })
        {
            await foreach (var e in table.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]))
            {
                await table.DeleteEntityAsync(e.PartitionKey, e.RowKey);
            }
        }
    }

    public Task<Dictionary<string, string>> TableAsync() => RowsAsync(Storage.Calls, _ => true);

    /// <summary>
    /// Which blobs claim which calls (claims, manifests, stray pointers), without the bookkeeping of runs in flight.
    /// A manifest's packed rows are named by a random generation: they show as the claimed ids and keys they hold.
    /// </summary>
    public async Task<Dictionary<string, string>> ClaimsAsync()
    {
        var rows = await RowsAsync(Storage.Claims, pk => !pk.StartsWith("v|", StringComparison.Ordinal) && !pk.StartsWith("n|", StringComparison.Ordinal));
        var manifests = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        await foreach (var e in Storage.Claims.QueryAsync<TableEntity>(e => e.RowKey.CompareTo("m|") >= 0 && e.RowKey.CompareTo("m}") < 0))
        {
            rows.Remove($"{e.PartitionKey} / {e.RowKey}");
            if (!manifests.TryGetValue(e.PartitionKey, out var ids))
            {
                manifests[e.PartitionKey] = ids = new SortedSet<string>(StringComparer.Ordinal);
            }
            foreach (var id in System.Text.Json.JsonSerializer.Deserialize<string[]>(e.GetString("Ids") ?? "[]") ?? [])
            {
                ids.Add($"{id}~{e.GetString("ClaimKey")}");
            }
        }
        foreach (var (partition, ids) in manifests)
        {
            rows[$"{partition} / manifest"] = string.Join(" ", ids);
        }
        return rows;
    }

    private static async Task<Dictionary<string, string>> RowsAsync(TableClient table, Func<string, bool> partitions)
    {
        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var e in table.QueryAsync<TableEntity>())
        {
            if (!partitions(e.PartitionKey))
            {
                continue;
            }
            rows[$"{e.PartitionKey} / {e.RowKey}"] = string.Join("; ", e.Keys
                .Where(k => k is not ("Timestamp" or "odata.etag" or "PartitionKey" or "RowKey"))
                .Order(StringComparer.Ordinal)
                .Select(k => $"{k}={Convert.ToString(e[k], CultureInfo.InvariantCulture)}"));
        }
        return rows;
    }

    // The CSVs; the Parquet files are written from the same rows.
    public async Task<Dictionary<string, string>> CuratedAsync() =>
        (await ContainerAsync(Storage.Curated)).Where(kv => kv.Key.EndsWith(".csv", StringComparison.Ordinal)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);

    public Task<Dictionary<string, string>> QuarantineAsync() => ContainerAsync(Storage.Quarantine);

    private static async Task<Dictionary<string, string>> ContainerAsync(Azure.Storage.Blobs.BlobContainerClient container)
    {
        var blobs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!await container.ExistsAsync())
        {
            return blobs;
        }
        await foreach (var item in container.GetBlobsAsync())
        {
            blobs[item.Name] = (await container.GetBlobClient(item.Name).DownloadContentAsync()).Value.Content.ToString();
        }
        return blobs;
    }

    /// <summary>Asserts two states (table rows, files) are the same, naming the first difference.</summary>
    public static void AssertSame(IReadOnlyDictionary<string, string> expected, IReadOnlyDictionary<string, string> actual, string what, string context)
    {
        foreach (var (key, value) in expected)
        {
            Assert.True(actual.TryGetValue(key, out var got), $"{what}: {key} is missing from the state under test; {context}");
            Assert.True(value == got, $"{what}: {key} differs\nclean: {value}\nunder test: {got}\n{context}");
        }
        foreach (var key in actual.Keys)
        {
            Assert.True(expected.ContainsKey(key), $"{what}: {key} exists only in the state under test: {actual[key]}; {context}");
        }
    }
}
