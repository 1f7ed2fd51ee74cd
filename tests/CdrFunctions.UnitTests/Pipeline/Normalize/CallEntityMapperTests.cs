using Azure.Data.Tables;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Pipeline.Storage;

namespace CdrFunctions.Tests.Pipeline.Normalize;

/// <summary>
/// The rows of one call share one column set (issue #14: built once per call, not copied per row); each row must
/// stay its own entity with its own keys, and read as the whole record.
/// </summary>
public class CallEntityMapperTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 10, 15, 0, TimeSpan.Zero);

    private static readonly CallRecord Full = new()
    {
        Vendor = "alotech",
        CallId = "c-1",
        Direction = CallDirection.Inbound,
        FromNumber = "+905321112233",
        ToNumber = "+902121234567",
        StartUtc = Start,
        AnswerUtc = Start.AddSeconds(12),
        EndUtc = Start.AddSeconds(200),
        QueueSeconds = 12,
        TalkSeconds = 180,
        HoldSeconds = 8,
        TotalSeconds = 200,
        Outcome = CallOutcome.Answered,
        AgentId = "a7",
        AgentName = "Ayşe",
        Queue = "sales",
        RecordingUrl = "https://example.test/r/1.mp3",
        TransferCount = 1,
        RawBlob = "alotech/2026/11/22/1000.json",
        Extras = CallExtras.FromJson("""{"csat":5}"""),
    };

    [Fact]
    public void Every_row_of_a_call_has_its_own_keys_and_the_whole_record()
    {
        var entities = CallEntityMapper.ToEntities(Full, Start).ToList();

        Assert.Equal(CallEntityMapper.KeysFor(Full, Start), entities.Select(e => (e.PartitionKey, e.RowKey)));
        Assert.Equal(4, entities.Select(e => (e.PartitionKey, e.RowKey)).Distinct().Count());
        Assert.All(entities, e => Assert.Equal(Full, Read(e)));
    }

    [Fact]
    public void A_rows_keys_are_its_own_and_its_shared_columns_cannot_be_edited()
    {
        var entities = CallEntityMapper.ToEntities(Full, Start).ToList();

        entities[0].PartitionKey = "moved";

        Assert.Throws<NotSupportedException>(() => entities[0]["Queue"] = "support");
        Assert.Throws<NotSupportedException>(() => entities[0].Remove("Queue"));
        Assert.Equal("moved", entities[0]["PartitionKey"]);
        Assert.DoesNotContain(entities.Skip(1), e => e.PartitionKey == "moved");
        Assert.All(entities, e => Assert.Equal("sales", e["Queue"]));
    }

    [Fact]
    public void More_columns_go_on_every_row_and_absent_values_stay_absent()
    {
        var sparse = new CallRecord { Vendor = "alotech", CallId = "c-2", FromNumber = "+905321112233" };

        var entities = CallEntityMapper.ToEntities(sparse, Start, [new("OwnerKey", "k1"), new("KeyStart", Start)]).ToList();

        Assert.Equal(3, entities.Count);
        Assert.All(entities, e =>
        {
            Assert.Equal("k1", e["OwnerKey"]);
            Assert.Equal(Start, e["KeyStart"]);
            Assert.False(e.ContainsKey("ToNumber"));
            Assert.False(e.ContainsKey("TalkSeconds"));
            Assert.Equal(sparse, Read(e));
        });
        Assert.Equal(TableKeys.ById("alotech", "c-2"), (entities[0].PartitionKey, entities[0].RowKey));
    }

    [Fact]
    public void Rows_keep_their_columns_when_the_next_call_is_mapped()
    {
        // The column set is built in an array the thread reuses: each call's rows must keep their own copy, and a
        // sparse call mapped after a full one must get none of its columns.
        var full = CallEntityMapper.ToEntities(Full, Start, [new("OwnerKey", "k1")]);
        var sparse = new CallRecord { Vendor = "deepcall", CallId = "c-3", ToNumber = "+905321112233" };

        var next = CallEntityMapper.ToEntities(sparse, Start);

        Assert.All(full, e => Assert.Equal(Full, Read(e)));
        Assert.All(full, e => Assert.Equal("k1", e["OwnerKey"]));
        Assert.All(next, e => Assert.Equal(sparse, Read(e)));
        Assert.All(next, e => Assert.False(e.ContainsKey("OwnerKey")));
        Assert.Equal(8, next[0].Count);
    }

    [Fact]
    public void A_single_row_carries_the_given_keys()
    {
        var entity = CallEntityMapper.ToEntity(Full, "pk", "rk");

        Assert.Equal(("pk", "rk"), (entity.PartitionKey, entity.RowKey));
        Assert.Equal(Full, CallEntityMapper.FromEntity(entity));
    }

    [Fact]
    public void A_more_column_named_again_replaces_the_earlier_value()
    {
        var entities = CallEntityMapper.ToEntities(Full, Start, [new("OwnerKey", "k1"), new("Queue", "support"), new("OwnerKey", "k2")]);

        Assert.All(entities, e =>
        {
            Assert.Equal("k2", e["OwnerKey"]);
            Assert.Equal("support", e["Queue"]);
            Assert.Single(e, c => c.Key == "OwnerKey");
            Assert.Equal(e.Count, e.Keys.Count);
        });
    }

    /// <summary>A row as the table returns it.</summary>
    private static CallRecord Read(CallRowDictionary row) => CallEntityMapper.FromEntity(new TableEntity(row));
}
