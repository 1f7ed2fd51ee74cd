using Azure.Data.Tables;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Normalize;

namespace CdrFunctions.Tests.Pipeline.Normalize;

/// <summary>
/// Issue #14: a call's rows share one column set instead of each being a <see cref="TableEntity"/> copy of it. The table
/// client writes either as the dictionary it is, so each row must hold exactly the names, values and order the
/// session-7 mapper (kept below) gave its copy, for any record and any extra columns.
/// </summary>
public sealed class CallRowReferenceTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 23, 59, 59, TimeSpan.Zero);

    public static TheoryData<int> Seeds => [1, 2, 3];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_row_holds_what_the_reference_entity_held_in_the_same_order(int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < 2_000; i++)
        {
            var record = RandomRecord(random, i);
            var more = RandomMoreColumns(random);

            var rows = CallEntityMapper.ToEntities(record, Start, more);
            var expected = Reference.ToEntities(record, Start, more);

            Assert.Equal(expected.Count, rows.Count);
            for (var r = 0; r < rows.Count; r++)
            {
                Assert.Equal([.. expected[r]], [.. rows[r]]);
                Assert.Equal(expected[r].Count, rows[r].Count);
                Assert.Equal((expected[r].PartitionKey, expected[r].RowKey), (rows[r].PartitionKey, rows[r].RowKey));
                var copied = new KeyValuePair<string, object>[rows[r].Count + 1];
                rows[r].CopyTo(copied, 1);
                Assert.Equal([.. expected[r]], copied[1..]);
            }
        }
    }

    [Fact]
    public void A_row_answers_each_name_as_the_reference_entity_did()
    {
        var random = new Random(7);
        var names = new[] { "PartitionKey", "RowKey", "Vendor", "ToNumber", "StartUtc", "TalkSeconds", "Extras", "OwnerKey", "KeyStart", "Nope", "vendor" };
        for (var i = 0; i < 500; i++)
        {
            var record = RandomRecord(random, i);
            var more = RandomMoreColumns(random);
            var row = CallEntityMapper.ToEntities(record, Start, more)[^1];
            var expected = Reference.ToEntities(record, Start, more)[^1];
            foreach (var name in names)
            {
                Assert.Equal(expected.TryGetValue(name, out var value), row.TryGetValue(name, out var actual));
                Assert.Equal(value, actual);
                Assert.Equal(expected.ContainsKey(name), row.ContainsKey(name));
            }
            Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), row.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(((IDictionary<string, object>)expected).Values.Select(v => v.ToString()).Order(StringComparer.Ordinal), row.Values.Select(v => v.ToString()).Order(StringComparer.Ordinal));
        }
    }

    private static CallRecord RandomRecord(Random random, int i)
    {
        string? Text(string value) => random.Next(4) == 0 ? null : random.Next(10) == 0 ? "" : value;
        int? Number() => random.Next(4) == 0 ? null : random.Next(-5, 100_000);
        DateTimeOffset? Time() => random.Next(4) == 0 ? null : Start.AddSeconds(random.Next(-90_000, 90_000));
        return new CallRecord
        {
            Vendor = random.Next(2) == 0 ? "alotech" : "deepcall",
            CallId = random.Next(8) == 0 ? "id/with#odd?chars\t" : $"call-{i}",
            Direction = (CallDirection)random.Next(4),
            Outcome = (CallOutcome)random.Next(6),
            FromNumber = Text($"+90532{random.Next(1_000_000):D7}"),
            ToNumber = random.Next(5) == 0 ? "+905320000000" : Text($"+90212{random.Next(1_000_000):D7}"),
            StartUtc = Time(),
            AnswerUtc = Time(),
            EndUtc = Time(),
            QueueSeconds = Number(),
            TalkSeconds = Number(),
            HoldSeconds = Number(),
            TotalSeconds = Number(),
            AgentId = Text("a7"),
            AgentName = Text("Ayşe Çelik"),
            Queue = Text("satış"),
            RecordingUrl = Text($"https://example.test/r/{i}.mp3"),
            TransferCount = Number(),
            RawBlob = Text("alotech/2026/11/22/1000.json"),
            Extras = random.Next(3) == 0 ? CallExtras.Empty : CallExtras.FromJson($$"""{"n":{{i}},"s":"\"q\""}"""),
        };
    }

    private static KeyValuePair<string, object>[] RandomMoreColumns(Random random) => random.Next(4) switch
    {
        0 => [],
        1 => [new("OwnerKey", "0|1000|x"), new("KeyStart", Start)],
        2 => [new("OwnerKey", "a"), new("Queue", "moved"), new("OwnerKey", "b")],
        _ => [new("KeyStart", Start.AddDays(-1))],
    };

    /// <summary>The mapper of session 7: a dictionary of the columns, copied into a <see cref="TableEntity"/> per row.</summary>
    private static class Reference
    {
        public static List<TableEntity> ToEntities(CallRecord record, DateTimeOffset fallbackStart, IReadOnlyList<KeyValuePair<string, object>> moreColumns)
        {
            var columns = new Dictionary<string, object>(24);
            Fill(columns, record);
            foreach (var (name, value) in moreColumns)
            {
                columns[name] = value;
            }
            return [.. CallEntityMapper.KeysFor(record, fallbackStart).Select(k => new TableEntity(columns) { PartitionKey = k.PartitionKey, RowKey = k.RowKey })];
        }

        private static void Fill(Dictionary<string, object> e, CallRecord record)
        {
            e["PartitionKey"] = "";
            e["RowKey"] = "";
            e["Vendor"] = record.Vendor;
            e["CallId"] = record.CallId;
            e["Direction"] = record.Direction.ToWire();
            e["Outcome"] = record.Outcome.ToWire();
            e["Extras"] = record.Extras.Json;
            SetIfNotNull(e, "FromNumber", record.FromNumber);
            SetIfNotNull(e, "ToNumber", record.ToNumber);
            SetIfNotNull(e, "StartUtc", record.StartUtc);
            SetIfNotNull(e, "AnswerUtc", record.AnswerUtc);
            SetIfNotNull(e, "EndUtc", record.EndUtc);
            SetIfNotNull(e, "QueueSeconds", record.QueueSeconds);
            SetIfNotNull(e, "TalkSeconds", record.TalkSeconds);
            SetIfNotNull(e, "HoldSeconds", record.HoldSeconds);
            SetIfNotNull(e, "TotalSeconds", record.TotalSeconds);
            SetIfNotNull(e, "AgentId", record.AgentId);
            SetIfNotNull(e, "AgentName", record.AgentName);
            SetIfNotNull(e, "Queue", record.Queue);
            SetIfNotNull(e, "RecordingUrl", record.RecordingUrl);
            SetIfNotNull(e, "TransferCount", record.TransferCount);
            SetIfNotNull(e, "RawBlob", record.RawBlob);
        }

        private static void SetIfNotNull(Dictionary<string, object> e, string name, object? value)
        {
            if (value is not null)
            {
                e[name] = value;
            }
        }
    }
}
