using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Normalize;

namespace CdrFunctions.Tests.Pipeline.Normalize;

/// <summary>
/// Issue #14: the calls of a window past <see cref="NormalizeOptions.RecordsInMemory"/> go to a temporary file and
/// come back exactly as they went in; a later copy of an id replaces the earlier one wherever it is; the file is
/// removed when the store is disposed.
/// </summary>
public sealed class CallRecordStoreTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
    private readonly ScratchFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Records_read_back_from_the_file_equal_the_records_written_to_it()
    {
        var records = new[]
        {
            Full("full"),
            new CallRecord { Vendor = "alotech", CallId = "bare" },
            Full("odd-text") with
            {
                // A lone surrogate does not survive UTF-8: it is kept as UTF-16.
                AgentName = "broken \ud800 name",
                Queue = "Kuyruk İğüşçö 客服",
                StartUtc = new DateTimeOffset(2026, 11, 27, 13, 0, 0, TimeSpan.FromHours(3)),
                AnswerUtc = new DateTimeOffset(638_900_000_000_000_123, TimeSpan.Zero),
                Extras = CallExtras.FromJson("""{"nested":{"a":[1,2,"ç"]},"x":"\u0000"}"""),
            },
        };
        using var store = new CallRecordStore(recordsInMemory: 0, _folder.Path);
        foreach (var r in records)
        {
            Assert.True(store.Add(r, r.StartUtc ?? Start));
        }

        Assert.Equal(3, store.Spilled);
        foreach (var r in records)
        {
            var back = store.Get(r.CallId)!;
            Assert.Equal(r, back);
            Assert.Equal(r.StartUtc?.Offset, back.StartUtc?.Offset);
            Assert.Equal(r.Extras.Json, back.Extras.Json);
        }
        Assert.Equal(records.Select(r => r.CallId).Order(StringComparer.Ordinal), store.GetMany(records.Select(r => r.CallId).Reverse()).Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(10)]
    [InlineData(100)]
    public void A_later_copy_replaces_the_earlier_one_in_memory_or_in_the_file(int recordsInMemory)
    {
        using var store = new CallRecordStore(recordsInMemory, _folder.Path);
        for (var i = 0; i < 20; i++)
        {
            Assert.True(store.Add(Full($"c{i:D2}"), Start.AddMinutes(i)));
        }
        for (var i = 0; i < 20; i += 3)
        {
            Assert.False(store.Add(Full($"c{i:D2}") with { AgentId = "again" }, Start.AddMinutes(100 + i)));
        }

        Assert.Equal(20, store.Count);
        Assert.Equal(Math.Max(0, 20 - recordsInMemory), store.Spilled);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"c{i:D2}"), store.Ids);
        var all = store.GetMany(store.Ids);
        for (var i = 0; i < 20; i++)
        {
            var id = $"c{i:D2}";
            Assert.Equal(i % 3 == 0 ? "again" : "agent-1", all[id].AgentId);
            Assert.Equal(Start.AddMinutes(i % 3 == 0 ? 100 + i : i), store.KeyStartOf(id));
        }
        Assert.Null(store.Get("absent"));
        Assert.False(store.Contains("absent"));
    }

    [Fact]
    public void Disposing_removes_the_file_and_a_store_within_its_limit_makes_none()
    {
        var store = new CallRecordStore(recordsInMemory: 1, _folder.Path);
        store.Add(Full("a"), Start);
        Assert.Null(store.SpillFile);
        store.Add(Full("b"), Start);
        var file = store.SpillFile;
        Assert.NotNull(file);
        Assert.True(File.Exists(file));

        store.Dispose();

        Assert.False(File.Exists(file));
        Assert.Throws<ObjectDisposedException>(() => store.Add(Full("c"), Start));
    }

    [Fact]
    public void Many_records_far_apart_in_the_file_are_read_back_in_any_order()
    {
        using var store = new CallRecordStore(recordsInMemory: 0, _folder.Path);
        var random = new Random(14);
        var records = Enumerable.Range(0, 3_000)
            .Select(i => Full($"id-{i}") with { Extras = CallExtras.FromJson($$"""{"pad":"{{new string('x', random.Next(0, 3_000))}}"}""") })
            .ToList();
        records.ForEach(r => store.Add(r, Start));

        var wanted = records.Where(_ => random.Next(3) == 0).OrderBy(_ => random.Next()).ToList();
        var read = store.GetMany(wanted.Select(r => r.CallId));

        Assert.Equal(wanted.Count, read.Count);
        Assert.All(wanted, r => Assert.Equal(r, read[r.CallId]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(40)]
    [InlineData(100)]
    public void Each_id_gets_its_record_at_its_place_in_memory_or_from_the_file(int recordsInMemory)
    {
        using var store = new CallRecordStore(recordsInMemory, _folder.Path);
        var records = Enumerable.Range(0, 100).Select(i => Full($"id-{i}") with { TalkSeconds = i }).ToList();
        records.ForEach(r => store.Add(r, Start));
        var random = new Random(11);
        // Shuffled, with ids the store does not hold and one asked twice.
        var asked = records.Select(r => r.CallId).Concat(["nope", "id-7", "also-nope"]).OrderBy(_ => random.Next()).ToList();

        var each = store.GetEach(asked);

        Assert.Equal(asked.Count, each.Length);
        for (var i = 0; i < asked.Count; i++)
        {
            Assert.Equal(records.SingleOrDefault(r => r.CallId == asked[i]), each[i]);
        }
        Assert.Empty(store.GetEach([]));
    }

    private static CallRecord Full(string id) => new()
    {
        Vendor = "alotech",
        CallId = id,
        Direction = CallDirection.Inbound,
        FromNumber = "+905321234567",
        ToNumber = "+902125551234",
        StartUtc = Start,
        AnswerUtc = Start.AddSeconds(5),
        EndUtc = Start.AddSeconds(95),
        QueueSeconds = 5,
        TalkSeconds = 90,
        HoldSeconds = 0,
        TotalSeconds = 95,
        Outcome = CallOutcome.Answered,
        AgentId = "agent-1",
        AgentName = "Ayşe",
        Queue = "sales",
        RecordingUrl = "https://example.test/r/" + id,
        TransferCount = 1,
        RawBlob = "alotech/2026/11/27/1000.json",
        Extras = CallExtras.FromJson("""{"k":"v"}"""),
    };
}
