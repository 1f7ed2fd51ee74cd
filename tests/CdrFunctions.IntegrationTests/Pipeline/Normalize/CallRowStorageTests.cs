using Azure.Data.Tables;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Tests.Integration;

namespace CdrFunctions.Tests.Pipeline.Normalize;

/// <summary>
/// Issue #14: a call's rows are <see cref="CallRowDictionary"/> views over one shared column set, no longer
/// <see cref="TableEntity"/> copies. Written by the real table client into Azurite, through every path the resolver
/// uses (batch upsert, transaction insert and conditional replace, single insert), each must store exactly what a
/// <see cref="TableEntity"/> of the same columns stores: the same properties with the same types.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class CallRowStorageTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 10, 15, 0, TimeSpan.Zero);

    private static readonly CallRecord Full = new()
    {
        Vendor = "alotech",
        CallId = "c/1#?",
        Direction = CallDirection.Inbound,
        FromNumber = "+905321112233",
        ToNumber = "+902121234567",
        StartUtc = Start,
        AnswerUtc = Start.AddSeconds(12),
        EndUtc = Start.AddSeconds(200),
        QueueSeconds = 12,
        TalkSeconds = 180,
        HoldSeconds = 0,
        TotalSeconds = 200,
        Outcome = CallOutcome.Answered,
        AgentId = "a7",
        AgentName = "Ayşe Çelik",
        Queue = "satış",
        RecordingUrl = "https://example.test/r/1.mp3",
        TransferCount = -1,
        RawBlob = "alotech/2026/11/22/1000.json",
        Extras = CallExtras.FromJson("""{"csat":5,"note":"\"quoted\", and ünïcode"}"""),
    };

    private static readonly CallRecord Sparse = new() { Vendor = "deepcall", CallId = "c-2", ToNumber = "+905321112233" };

    private static readonly KeyValuePair<string, object>[] More = [new("OwnerKey", "0|1000|x"), new("KeyStart", Start)];

    [Fact]
    public async Task Rows_written_every_way_store_what_table_entities_of_the_same_columns_store()
    {
        var (rows, reference) = await TablesAsync();
        var writer = new TableBatchWriter(rows);

        var full = CallEntityMapper.ToEntities(Full, Start, More);
        var sparse = CallEntityMapper.ToEntities(Sparse, Start, More);
        await rows.SubmitTransactionAsync([new TableTransactionAction(TableTransactionActionType.Add, full[0])]);
        await rows.AddEntityAsync(sparse[0]);
        Assert.Equal(4, await writer.UpsertAsync([.. full.Skip(1), .. sparse.Skip(1)], CancellationToken.None));
        await new TableBatchWriter(reference).UpsertAsync([.. full.Concat(sparse).Select(r => new TableEntity(r))], CancellationToken.None);

        var stored = await ReadAllAsync(rows);
        Assert.Equal(7, stored.Count);
        Assert.Equal(Properties(await ReadAllAsync(reference)), Properties(stored));
        Assert.Equal(Full, CallEntityMapper.FromEntity(stored[(full[0].PartitionKey, full[0].RowKey)]));
        Assert.Equal(Sparse, CallEntityMapper.FromEntity(stored[(sparse[0].PartitionKey, sparse[0].RowKey)]));
        Assert.Equal(Start, stored[(full[1].PartitionKey, full[1].RowKey)].GetDateTimeOffset("KeyStart"));
        Assert.IsType<int>(stored[(full[1].PartitionKey, full[1].RowKey)]["TransferCount"]);
    }

    [Fact]
    public async Task A_row_replaces_a_stored_row_only_with_the_etag_it_was_read_with()
    {
        var (rows, _) = await TablesAsync();
        var first = CallEntityMapper.ToEntities(Sparse, Start, More)[0];
        await rows.AddEntityAsync(first);
        var read = (await rows.GetEntityAsync<TableEntity>(first.PartitionKey, first.RowKey)).Value;
        var changed = CallEntityMapper.ToEntities(Sparse with { Queue = "support" }, Start, More)[0];

        await rows.SubmitTransactionAsync([new TableTransactionAction(TableTransactionActionType.UpdateReplace, changed, read.ETag)]);
        var stale = await Assert.ThrowsAnyAsync<Azure.RequestFailedException>(() =>
            rows.SubmitTransactionAsync([new TableTransactionAction(TableTransactionActionType.UpdateReplace, changed, read.ETag)]));

        Assert.Equal(412, stale.Status);
        Assert.Equal("support", (await rows.GetEntityAsync<TableEntity>(first.PartitionKey, first.RowKey)).Value.GetString("Queue"));
    }

    private static async Task<(TableClient Rows, TableClient Reference)> TablesAsync()
    {
        var service = new TableServiceClient(await AzuriteFixture.NewStorageAsync());
        var rows = service.GetTableClient("rows");
        var reference = service.GetTableClient("reference");
        await rows.CreateIfNotExistsAsync();
        await reference.CreateIfNotExistsAsync();
        return (rows, reference);
    }

    private static async Task<Dictionary<(string, string), TableEntity>> ReadAllAsync(TableClient table)
    {
        var all = new Dictionary<(string, string), TableEntity>();
        await foreach (var e in table.QueryAsync<TableEntity>())
        {
            all[(e.PartitionKey, e.RowKey)] = e;
        }
        return all;
    }

    /// <summary>Every stored property with its type, but the ones the service sets (timestamp, ETag).</summary>
    private static List<string> Properties(Dictionary<(string, string), TableEntity> rows) =>
        [.. rows.Values
            .SelectMany(e => e.Where(p => p.Key is not ("Timestamp" or "odata.etag")).Select(p => $"{e.PartitionKey}|{e.RowKey}|{p.Key}={p.Value} ({p.Value.GetType().Name})"))
            .Order(StringComparer.Ordinal)];
}
