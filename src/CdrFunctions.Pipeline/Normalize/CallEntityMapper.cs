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

    public static List<(string PartitionKey, string RowKey)> KeysFor(CallRecord record, DateTimeOffset fallbackStart)
    {
        var start = record.StartUtc ?? fallbackStart;
        // The id is escaped once for all the call's rows (the by-id and by-day rows share the string).
        var escapedId = TableKeys.Escape(record.CallId);
        var keys = new List<(string PartitionKey, string RowKey)>(4)
        {
            (TableKeys.IdPartition(record.Vendor, record.CallId), escapedId),
            (TableKeys.DayPartition(record.Vendor, start), escapedId),
        };
        foreach (var number in NumbersOf(record))
        {
            keys.Add((TableKeys.NumberPartition(number), TableKeys.NumberRow(start, record.Vendor, escapedId)));
        }
        return keys;
    }

    public static IEnumerable<string> NumbersOf(CallRecord record)
    {
        if (!string.IsNullOrEmpty(record.FromNumber))
        {
            yield return record.FromNumber;
        }
        if (!string.IsNullOrEmpty(record.ToNumber) && record.ToNumber != record.FromNumber)
        {
            yield return record.ToNumber;
        }
    }

    /// <summary>
    /// The record's rows, sharing one column set built once (with <paramref name="moreColumns"/>): each row adds only its
    /// keys, where four copies of a dictionary of the columns were a third of the normalizer's work.
    /// </summary>
    public static List<CallRowDictionary> ToEntities(CallRecord record, DateTimeOffset fallbackStart, IReadOnlyList<KeyValuePair<string, object>>? moreColumns = null)
    {
        var columns = Columns(record, moreColumns ?? []);
        var keys = KeysFor(record, fallbackStart);
        var rows = new List<CallRowDictionary>(keys.Count);
        foreach (var (partitionKey, rowKey) in keys)
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
