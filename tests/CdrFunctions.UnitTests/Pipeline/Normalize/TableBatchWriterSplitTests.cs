using Azure;
using Azure.Data.Tables;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Normalize;

namespace CdrFunctions.Tests.Pipeline.Normalize;

/// <summary>
/// Transactions take at most 100 entities and 4 MiB: the writer splits a partition's rows by count and by an estimate
/// of their payload, which it can only make of dictionary entities (TableEntity, and since issue #14 CallRowDictionary).
/// </summary>
public sealed class TableBatchWriterSplitTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 10, 15, 0, TimeSpan.Zero);

    [Fact]
    public void Rows_go_in_batches_of_at_most_a_hundred_in_their_order()
    {
        var rows = Enumerable.Range(0, 250).Select(i => Row(i, extrasChars: 10)).ToList();

        var batches = TableBatchWriter.Split(rows, r => r).ToList();

        Assert.Equal([100, 100, 50], batches.Select(b => b.Count));
        Assert.Equal(rows, batches.SelectMany(b => b));
    }

    [Fact]
    public void Large_rows_go_in_batches_that_stay_under_the_payload_limit()
    {
        // 30,000 characters of extras may be 90,000 bytes of UTF-8: about 34 such rows fill the 3 MiB a batch is given.
        var rows = Enumerable.Range(0, 100).Select(i => Row(i, extrasChars: 30_000)).ToList();

        var batches = TableBatchWriter.Split(rows, r => r).ToList();

        Assert.InRange(batches.Count, 3, 4);
        Assert.All(batches, b => Assert.InRange(b.Count, 1, 34));
        Assert.Equal(rows, batches.SelectMany(b => b));
    }

    [Fact]
    public void A_typed_entity_is_refused_with_the_reason()
    {
        var error = Assert.Throws<ArgumentException>(() => TableBatchWriter.Split([new TypedRow()], r => r).ToList());

        Assert.Contains(nameof(TypedRow), error.Message, StringComparison.Ordinal);
    }

    private static CallRowDictionary Row(int i, int extrasChars) => CallEntityMapper.ToEntities(
        new CallRecord { Vendor = "alotech", CallId = $"c-{i}", Extras = CallExtras.FromJson($$"""{"note":"{{new string('ç', extrasChars)}}"}""") },
        Start)[0];

    private sealed class TypedRow : ITableEntity
    {
        public string PartitionKey { get; set; } = "p";

        public string RowKey { get; set; } = "r";

        public DateTimeOffset? Timestamp { get; set; }

        public ETag ETag { get; set; }
    }
}
