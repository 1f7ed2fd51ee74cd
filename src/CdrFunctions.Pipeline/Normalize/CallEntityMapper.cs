using System.Runtime.CompilerServices;
using Azure.Data.Tables;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Storage;

namespace CdrFunctions.Pipeline.Normalize;

/// <summary>
/// One call becomes several entities with the same columns and different keys: by id (point lookup),
/// by UTC day (reconciliation) and one per phone number (listing by number, newest first). Every
/// entity carries the whole record, so each query answers from its own rows without follow-up reads.
/// </summary>
public static class CallEntityMapper
{
    /// <summary>Every column a record can have.</summary>
    private const int RecordColumns = 20;

    /// <summary>By id, by day and one per distinct number (two at most).</summary>
    private const int MaxRows = 4;

    public static List<(string PartitionKey, string RowKey)> KeysFor(CallRecord record, DateTimeOffset fallbackStart)
    {
        var keys = new RowKeys();
        var count = Keys(record, fallbackStart, keys);
        return [.. ((ReadOnlySpan<(string, string)>)keys)[..count]];
    }

    /// <summary>A call's row keys, at most <see cref="MaxRows"/>, into <paramref name="keys"/>; returns how many.</summary>
    private static int Keys(CallRecord record, DateTimeOffset fallbackStart, Span<(string PartitionKey, string RowKey)> keys)
    {
        var start = record.StartUtc ?? fallbackStart;
        // The id is escaped once for all the call's rows (the by-id and by-day rows share the string).
        var escapedId = TableKeys.Escape(record.CallId);
        keys[0] = (TableKeys.IdPartition(record.Vendor, record.CallId), escapedId);
        keys[1] = (TableKeys.DayPartition(record.Vendor, start), escapedId);
        var count = 2;
        var (first, second) = DistinctNumbers(record);
        if (first is not null)
        {
            keys[count++] = (TableKeys.NumberPartition(first), TableKeys.NumberRow(start, record.Vendor, escapedId));
        }
        if (second is not null)
        {
            keys[count++] = (TableKeys.NumberPartition(second), TableKeys.NumberRow(start, record.Vendor, escapedId));
        }
        return count;
    }

    /// <summary>A call's keys on the stack: the entities of a window are built without a list of keys per call.</summary>
    [InlineArray(MaxRows)]
    private struct RowKeys
    {
        private (string PartitionKey, string RowKey) _first;
    }

    public static IEnumerable<string> NumbersOf(CallRecord record)
    {
        var (first, second) = DistinctNumbers(record);
        if (first is not null)
        {
            yield return first;
        }
        if (second is not null)
        {
            yield return second;
        }
    }

    /// <summary>The call's numbers without empty ones or a repeat: the caller's, then the called.</summary>
    private static (string? First, string? Second) DistinctNumbers(CallRecord record) => (
        string.IsNullOrEmpty(record.FromNumber) ? null : record.FromNumber,
        string.IsNullOrEmpty(record.ToNumber) || record.ToNumber == record.FromNumber ? null : record.ToNumber);

    /// <summary>
    /// The record's rows, sharing one column set built once (with <paramref name="moreColumns"/>): each row adds only its
    /// keys, where four copies of a dictionary of the columns were a third of the normalizer's work.
    /// </summary>
    public static List<CallRowDictionary> ToEntities(CallRecord record, DateTimeOffset fallbackStart, IReadOnlyList<KeyValuePair<string, object>>? moreColumns = null)
    {
        var columns = Columns(record, moreColumns ?? []);
        var keys = new RowKeys();
        var count = Keys(record, fallbackStart, keys);
        var rows = new List<CallRowDictionary>(count);
        foreach (var (partitionKey, rowKey) in ((ReadOnlySpan<(string, string)>)keys)[..count])
        {
            rows.Add(new CallRowDictionary(partitionKey, rowKey, columns));
        }
        return rows;
    }

    /// <summary>The record's columns under the given keys.</summary>
    public static TableEntity ToEntity(CallRecord record, string pk, string rk) => new(new CallRowDictionary(pk, rk, Columns(record, [])));

    /// <summary>Per thread: the resolver maps the calls of its buckets in parallel.</summary>
    [ThreadStatic]
    private static KeyValuePair<string, object>[]? t_columns;

    /// <summary>The columns the record has values for, in a stable order, then <paramref name="moreColumns"/>.</summary>
    private static KeyValuePair<string, object>[] Columns(CallRecord record, IReadOnlyList<KeyValuePair<string, object>> moreColumns)
    {
        if (t_columns is null || t_columns.Length < RecordColumns + moreColumns.Count)
        {
            t_columns = new KeyValuePair<string, object>[RecordColumns + moreColumns.Count];
        }
        var columns = t_columns;
        var count = 0;
        try
        {
            Add("Vendor", record.Vendor);
            Add("CallId", record.CallId);
            Add("Direction", record.Direction.ToWire());
            Add("Outcome", record.Outcome.ToWire());
            Add("Extras", record.Extras.Json);
            Add("FromNumber", record.FromNumber);
            Add("ToNumber", record.ToNumber);
            Add("StartUtc", record.StartUtc);
            Add("AnswerUtc", record.AnswerUtc);
            Add("EndUtc", record.EndUtc);
            Add("QueueSeconds", record.QueueSeconds);
            Add("TalkSeconds", record.TalkSeconds);
            Add("HoldSeconds", record.HoldSeconds);
            Add("TotalSeconds", record.TotalSeconds);
            Add("AgentId", record.AgentId);
            Add("AgentName", record.AgentName);
            Add("Queue", record.Queue);
            Add("RecordingUrl", record.RecordingUrl);
            Add("TransferCount", record.TransferCount);
            Add("RawBlob", record.RawBlob);
            foreach (var (name, value) in moreColumns)
            {
                Set(name, value);
            }
            return columns[..count];
        }
        finally
        {
            // Not keeping this call's values alive.
            Array.Clear(columns, 0, count);
        }

        void Add(string name, object? value)
        {
            if (value is not null)
            {
                columns[count++] = new(name, value);
            }
        }

        // A later column of the same name replaces the earlier one, as it did in a dictionary.
        void Set(string name, object value)
        {
            var at = 0;
            while (at < count && columns[at].Key != name)
            {
                at++;
            }
            columns[at] = new(name, value);
            count = Math.Max(count, at + 1);
        }
    }

    public static CallRecord FromEntity(TableEntity e)
    {
        var extras = e.GetString("Extras");
        return new CallRecord
        {
            Vendor = e.GetString("Vendor") ?? "",
            CallId = e.GetString("CallId") ?? "",
            Direction = CallEnumNames.ParseDirection(e.GetString("Direction")),
            Outcome = CallEnumNames.ParseOutcome(e.GetString("Outcome")),
            FromNumber = e.GetString("FromNumber"),
            ToNumber = e.GetString("ToNumber"),
            StartUtc = e.GetDateTimeOffset("StartUtc")?.ToUniversalTime(),
            AnswerUtc = e.GetDateTimeOffset("AnswerUtc")?.ToUniversalTime(),
            EndUtc = e.GetDateTimeOffset("EndUtc")?.ToUniversalTime(),
            QueueSeconds = e.GetInt32("QueueSeconds"),
            TalkSeconds = e.GetInt32("TalkSeconds"),
            HoldSeconds = e.GetInt32("HoldSeconds"),
            TotalSeconds = e.GetInt32("TotalSeconds"),
            AgentId = e.GetString("AgentId"),
            AgentName = e.GetString("AgentName"),
            Queue = e.GetString("Queue"),
            RecordingUrl = e.GetString("RecordingUrl"),
            TransferCount = e.GetInt32("TransferCount"),
            RawBlob = e.GetString("RawBlob"),
            Extras = string.IsNullOrEmpty(extras) ? CallExtras.Empty : CallExtras.FromJson(extras),
        };
    }
}
