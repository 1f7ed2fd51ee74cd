using Azure.Data.Tables;
using Azure.Storage.Blobs;
using CdrFunctions.Simulators.Azurite;

namespace CdrFunctions.Tests.Local;

/// <summary>
/// Runs the real Azurite from tools/node_modules (install with `npm ci --prefix tools`; test.sh does it).
/// </summary>
public sealed class AzuriteProcessTests
{
    [Fact]
    public async Task Start_serves_blobs_and_tables_then_dispose_closes_all_ports()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        int blobPort, queuePort, tablePort;

        var azurite = await AzuriteProcess.StartAsync(null, ct);
        try
        {
            blobPort = azurite.BlobPort;
            queuePort = azurite.QueuePort;
            tablePort = azurite.TablePort;

            Assert.All(new[] { blobPort, queuePort, tablePort }, p => Assert.InRange(p, 1, 65535));
            Assert.Equal(3, new HashSet<int> { blobPort, queuePort, tablePort }.Count);
            Assert.Contains("AccountName=devstoreaccount1;", azurite.ConnectionString, StringComparison.Ordinal);
            Assert.Contains($"BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;", azurite.ConnectionString, StringComparison.Ordinal);
            Assert.Contains($"QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1;", azurite.ConnectionString, StringComparison.Ordinal);
            Assert.Contains($"TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;", azurite.ConnectionString, StringComparison.Ordinal);
            Assert.True(AzuriteLocator.IsListening("127.0.0.1", queuePort));

            var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("raw");
            await container.CreateIfNotExistsAsync(cancellationToken: ct);
            await container.GetBlobClient("alotech/2026/11/22/sample.json")
                .UploadAsync(BinaryData.FromString("""{"calls":[]}"""), overwrite: true, ct);
            var downloaded = await container.GetBlobClient("alotech/2026/11/22/sample.json").DownloadContentAsync(ct);
            Assert.Equal("""{"calls":[]}""", downloaded.Value.Content.ToString());

            var table = new TableServiceClient(azurite.ConnectionString).GetTableClient("Calls");
            await table.CreateIfNotExistsAsync(ct);
            await table.UpsertEntityAsync(new TableEntity("alotech", "call-1") { ["Duration"] = 42 }, cancellationToken: ct);
            var entity = await table.GetEntityAsync<TableEntity>("alotech", "call-1", cancellationToken: ct);
            Assert.Equal(42, entity.Value.GetInt32("Duration"));
        }
        finally
        {
            await azurite.DisposeAsync();
        }

        Assert.False(AzuriteLocator.IsListening("127.0.0.1", blobPort));
        Assert.False(AzuriteLocator.IsListening("127.0.0.1", queuePort));
        Assert.False(AzuriteLocator.IsListening("127.0.0.1", tablePort));
    }

    [Fact]
    public async Task Two_instances_run_side_by_side_and_dispose_is_idempotent()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        await using var first = await AzuriteProcess.StartAsync(new AzuriteStartOptions(), ct);
        var second = await AzuriteProcess.StartAsync(new AzuriteStartOptions { InMemory = true }, ct);
        int secondBlobPort;
        try
        {
            secondBlobPort = second.BlobPort;
            Assert.NotEqual(first.BlobPort, second.BlobPort);
            Assert.NotEqual(first.ConnectionString, second.ConnectionString);

            // Data written to one instance is invisible to the other.
            await new BlobServiceClient(first.ConnectionString).GetBlobContainerClient("only-in-first").CreateAsync(cancellationToken: ct);
            Assert.False(await new BlobServiceClient(second.ConnectionString).GetBlobContainerClient("only-in-first").ExistsAsync(ct));
        }
        finally
        {
            await second.DisposeAsync();
        }

        await second.DisposeAsync(); // second call is a no-op

        Assert.False(AzuriteLocator.IsListening("127.0.0.1", secondBlobPort));
        Assert.True(AzuriteLocator.IsListening("127.0.0.1", first.BlobPort));
    }
}
