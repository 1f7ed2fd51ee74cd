using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Normalize;

namespace CdrFunctions.Tests.Pipeline.Normalize;

/// <summary>
/// Issue #14: a curated file's calls come out ordered by the start that keys them, then by id, whether each record was
/// given or is read back from the store (in memory or spilled), across the chunks the store is read in.
/// </summary>
public sealed class CuratedCallsTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
    private readonly ScratchFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(0)]
    [InlineData(1_200)]
    [InlineData(5_000)]
    public void Given_and_stored_records_come_out_in_key_order_across_chunks(int recordsInMemory)
    {
        using var store = new CallRecordStore(recordsInMemory, _folder.Path);
        var random = new Random(27);
        var calls = new CuratedCalls(store);
        var expected = new List<(DateTimeOffset KeyStart, CallRecord Record)>();
        for (var i = 0; i < 2_500; i++)
        {
            // Starts repeat, so the id breaks ties; a third of the records are given rather than stored.
            var keyStart = Start.AddMinutes(random.Next(0, 300));
            var record = new CallRecord { Vendor = "alotech", CallId = $"c{random.Next():x8}-{i}", StartUtc = keyStart, TalkSeconds = i };
            var given = i % 3 == 0;
            if (!given)
            {
                store.Add(record, keyStart);
            }
            calls.Add(record.CallId, keyStart, given ? record : null);
            expected.Add((keyStart, record));
        }

        var records = calls.Records().ToList();

        Assert.Equal(
            expected.OrderBy(e => e.KeyStart).ThenBy(e => e.Record.CallId, StringComparer.Ordinal).Select(e => e.Record),
            records);
    }

    [Fact]
    public void A_call_neither_given_nor_stored_is_refused()
    {
        using var store = new CallRecordStore(10, _folder.Path);
        Assert.Throws<ArgumentException>(() => new CuratedCalls(store).Add("missing", Start, record: null));
    }
}
