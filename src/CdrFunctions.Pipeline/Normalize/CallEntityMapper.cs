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

    public static IEnumerable<(string PartitionKey, string RowKey)> KeysFor(CallRecord record, DateTimeOffset fallbackStart)
    {
        var start = record.StartUtc ?? fallbackStart;
        yield return TableKeys.ById(record.Vendor, record.CallId);
        yield return TableKeys.ByDay(record.Vendor, start, record.CallId);
        foreach (var number in NumbersOf(record))
        {
            yield return TableKeys.ByNumber(number, start, record.Vendor, record.CallId);
        }
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
    /// entity column by column grew four dictionaries from empty per call.
    /// </summary>
    public static IEnumerable<TableEntity> ToEntities(CallRecord record, DateTimeOffset fallbackStart, IReadOnlyList<KeyValuePair<string, object>>? moreColumns = null)
    {
        var columns = Columns(record);
        foreach (var (name, value) in moreColumns ?? [])
        {
            columns[name] = value;
        }
        return KeysFor(record, fallbackStart).Select(k => WithKeys(columns, k.PartitionKey, k.RowKey));
    }

    /// <summary>The record's columns under the given keys.</summary>
    public static TableEntity ToEntity(CallRecord record, string pk, string rk) => WithKeys(Columns(record), pk, rk);

    private static TableEntity WithKeys(Dictionary<string, object> columns, string pk, string rk) =>
        new(columns) { PartitionKey = pk, RowKey = rk };

    private static Dictionary<string, object> Columns(CallRecord record)
    {
        var e = new Dictionary<string, object>(ColumnCapacity)
        {
            // Present from the start, so setting the keys of each copy replaces them instead of growing it.
            ["PartitionKey"] = "",
            ["RowKey"] = "",
            ["Vendor"] = record.Vendor,
            ["CallId"] = record.CallId,
            ["Direction"] = record.Direction.ToWire(),
            ["Outcome"] = record.Outcome.ToWire(),
            ["Extras"] = record.Extras.Json,
        };
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
        return e;
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
