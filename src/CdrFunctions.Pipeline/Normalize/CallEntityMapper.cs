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
    /// <summary>Keys, every record column and the two columns the resolver adds.</summary>
    private const int ColumnCapacity = 24;

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
    /// The record's entities, each a copy of one column set built once (with <paramref name="moreColumns"/>): a copy
    /// of a dictionary of the right size takes no rehashing, and the boxed values are shared, where building each
    /// entity column by column grew four dictionaries from empty per call. The column set is built in a dictionary
    /// the thread reuses, so a call allocates only its rows.
    /// </summary>
    public static List<TableEntity> ToEntities(CallRecord record, DateTimeOffset fallbackStart, IReadOnlyList<KeyValuePair<string, object>>? moreColumns = null)
    {
        var columns = t_columns ??= new Dictionary<string, object>(ColumnCapacity);
        try
        {
            Fill(columns, record);
            foreach (var (name, value) in moreColumns ?? [])
            {
                columns[name] = value;
            }
            var keys = KeysFor(record, fallbackStart);
            var entities = new List<TableEntity>(keys.Count);
            foreach (var key in keys)
            {
                entities.Add(WithKeys(columns, key));
            }
            return entities;
        }
        finally
        {
            // Empty for the next call, and not keeping this one's values alive.
            columns.Clear();
        }
    }

    /// <summary>The record's columns under the given keys.</summary>
    public static TableEntity ToEntity(CallRecord record, string pk, string rk)
    {
        var columns = new Dictionary<string, object>(ColumnCapacity);
        Fill(columns, record);
        return WithKeys(columns, (pk, rk));
    }

    private static TableEntity WithKeys(Dictionary<string, object> columns, (string PartitionKey, string RowKey) keys) =>
        new(columns) { PartitionKey = keys.PartitionKey, RowKey = keys.RowKey };

    /// <summary>Per thread: the resolver maps the calls of its buckets in parallel.</summary>
    [ThreadStatic]
    private static Dictionary<string, object>? t_columns;

    private static void Fill(Dictionary<string, object> e, CallRecord record)
    {
        // The keys are present from the start, so setting them on each copy replaces them instead of growing it.
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
