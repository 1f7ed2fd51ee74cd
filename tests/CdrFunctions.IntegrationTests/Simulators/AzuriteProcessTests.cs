using Azure.Data.Tables;
using Azure.Storage.Blobs;
using CdrFunctions.Simulators.Azurite;

namespace CdrFunctions.Tests.Simulators;

/// <summary>
/// Runs the real Azurite from tools/node_modules (install with `npm ci --prefix tools`; test.sh does it).
/// </summary>
public sealed class AzuriteProcessTests
{
    [Fact]
    public async Task Start_serves_blobs_and_tables_then_dispose_closes_all_ports()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
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
    public async Task Extra_accounts_are_isolated_from_each_other_and_dispose_is_idempotent()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var ct = timeout.Token;
        var azurite = await AzuriteProcess.StartAsync(new AzuriteStartOptions { ExtraAccounts = ["alpha", "beta"] }, ct);
        var blobPort = azurite.BlobPort;
        try
        {
            var alpha = azurite.ConnectionStringFor("alpha");
            Assert.Contains("AccountName=alpha;", alpha, StringComparison.Ordinal);
            Assert.Contains($"BlobEndpoint=http://127.0.0.1:{blobPort}/alpha;", alpha, StringComparison.Ordinal);

            // Data written to one account is invisible to the others; the default account still works.
            await new BlobServiceClient(alpha).GetBlobContainerClient("only-in-alpha").CreateAsync(cancellationToken: ct);
            await new TableServiceClient(alpha).GetTableClient("OnlyInAlpha").CreateAsync(ct);
            foreach (var other in new[] { azurite.ConnectionStringFor("beta"), azurite.ConnectionString })
            {
                Assert.False(await new BlobServiceClient(other).GetBlobContainerClient("only-in-alpha").ExistsAsync(ct));
                var tables = new List<string>();
                await foreach (var t in new TableServiceClient(other).QueryAsync(cancellationToken: ct))
                {
                    tables.Add(t.Name);
                }
                Assert.DoesNotContain("OnlyInAlpha", tables);
            }
        }
        finally
        {
            await azurite.DisposeAsync();
        }

        await azurite.DisposeAsync(); // second call is a no-op
        Assert.False(AzuriteLocator.IsListening("127.0.0.1", blobPort));
    }
}
