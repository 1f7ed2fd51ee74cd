using CdrFunctions.Pipeline.Model;
using Parquet;
using Parquet.Schema;

namespace CdrFunctions.Pipeline.Normalize;

/// <summary>
/// The curated rows of a window as a typed Parquet file (the Power BI model reads these): the curated CSV's
/// columns in the same order, times as UTC timestamps (milliseconds), durations and counts as 32-bit integers,
/// the rest as UTF-8 strings, <c>extras</c> as a JSON string; every column optional (null = unknown) except
/// <c>vendor</c> and <c>callId</c>. Values are stored as they are: no spreadsheet-formula escaping, because no
/// reader of a typed file evaluates a cell as a formula. The column list is a contract (docs/powerbi.md).
/// </summary>
public static class CuratedParquet
{
    public const string ContentType = "application/vnd.apache.parquet";

    private static readonly DataField<string> Vendor = new("vendor", nullable: false);
    private static readonly DataField<string> CallId = new("callId", nullable: false);
    private static readonly DataField<string> Direction = new("direction", nullable: false);
    private static readonly DataField<string> FromNumber = new("fromNumber", nullable: true);
    private static readonly DataField<string> ToNumber = new("toNumber", nullable: true);
    private static readonly DateTimeDataField StartUtc = UtcTimestamp("startUtc");
    private static readonly DateTimeDataField AnswerUtc = UtcTimestamp("answerUtc");
    private static readonly DateTimeDataField EndUtc = UtcTimestamp("endUtc");
    private static readonly DataField<int?> QueueSeconds = new("queueSeconds");
    private static readonly DataField<int?> TalkSeconds = new("talkSeconds");
    private static readonly DataField<int?> HoldSeconds = new("holdSeconds");
    private static readonly DataField<int?> TotalSeconds = new("totalSeconds");
    private static readonly DataField<string> Outcome = new("outcome", nullable: false);
    private static readonly DataField<string> AgentId = new("agentId", nullable: true);
    private static readonly DataField<string> AgentName = new("agentName", nullable: true);
    private static readonly DataField<string> Queue = new("queue", nullable: true);
    private static readonly DataField<string> RecordingUrl = new("recordingUrl", nullable: true);
    private static readonly DataField<int?> TransferCount = new("transferCount");
    private static readonly DataField<string> RawBlob = new("rawBlob", nullable: true);
    private static readonly DataField<string> Extras = new("extras", nullable: true);

    public static readonly ParquetSchema Schema = new(
        Vendor, CallId, Direction, FromNumber, ToNumber, StartUtc, AnswerUtc, EndUtc,
        QueueSeconds, TalkSeconds, HoldSeconds, TotalSeconds, Outcome, AgentId, AgentName,
        Queue, RecordingUrl, TransferCount, RawBlob, Extras);

    private static DateTimeDataField UtcTimestamp(string name) =>
        new(name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Millis, isNullable: true);

    /// <summary>
    /// Rows per row group: an hour's window of most contact centers fits one (as every file did before groups were
    /// bounded), and a large window holds one group's records and column buffers in memory while it is written
    /// (25,000 measured about 60 MB more at the peak of a 300,000-record window).
    /// </summary>
    public const int RowGroupRows = 10_000;

    /// <summary>Row groups of <see cref="RowGroupRows"/> records, in the order given; none for an empty window.</summary>
    public static async Task WriteAsync(IEnumerable<CallRecord> records, Stream output, CancellationToken cancellationToken)
    {
        await using var writer = await ParquetWriter.CreateAsync(Schema, output, cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var rows in records.Chunk(RowGroupRows))
        {
            await WriteRowGroupAsync(writer, rows, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WriteRowGroupAsync(ParquetWriter writer, CallRecord[] records, CancellationToken cancellationToken)
    {
        using var group = writer.CreateRowGroup();
        await WriteTextAsync(group, Vendor, records, r => r.Vendor, cancellationToken).ConfigureAwait(false);
        await WriteTextAsync(group, CallId, records, r => r.CallId, cancellationToken).ConfigureAwait(false);
        await WriteTextAsync(group, Direction, records, r => r.Direction.ToWire(), cancellationToken).ConfigureAwait(false);
        await WriteTextAsync(group, FromNumber, records, r => r.FromNumber, cancellationToken).ConfigureAwait(false);
        await WriteTextAsync(group, ToNumber, records, r => r.ToNumber, cancellationToken).ConfigureAwait(false);
        await WriteTimeAsync(group, StartUtc, records, r => r.StartUtc, cancellationToken).ConfigureAwait(false);
        await WriteTimeAsync(group, AnswerUtc, records, r => r.AnswerUtc, cancellationToken).ConfigureAwait(false);
        await WriteTimeAsync(group, EndUtc, records, r => r.EndUtc, cancellationToken).ConfigureAwait(false);
        await WriteIntAsync(group, QueueSeconds, records, r => r.QueueSeconds, cancellationToken).ConfigureAwait(false);
        await WriteIntAsync(group, TalkSeconds, records, r => r.TalkSeconds, cancellationToken).ConfigureAwait(false);
        await WriteIntAsync(group, HoldSeconds, records, r => r.HoldSeconds, cancellationToken).ConfigureAwait(false);
        await WriteIntAsync(group, TotalSeconds, records, r => r.TotalSeconds, cancellationToken).ConfigureAwait(false);
        await WriteTextAsync(group, Outcome, records, r => r.Outcome.ToWire(), cancellationToken).ConfigureAwait(false);
        await WriteTextAsync(group, AgentId, records, r => r.AgentId, cancellationToken).ConfigureAwait(false);
        await WriteTextAsync(group, AgentName, records, r => r.AgentName, cancellationToken).ConfigureAwait(false);
        await WriteTextAsync(group, Queue, records, r => r.Queue, cancellationToken).ConfigureAwait(false);
        await WriteTextAsync(group, RecordingUrl, records, r => r.RecordingUrl, cancellationToken).ConfigureAwait(false);
        await WriteIntAsync(group, TransferCount, records, r => r.TransferCount, cancellationToken).ConfigureAwait(false);
        await WriteTextAsync(group, RawBlob, records, r => r.RawBlob, cancellationToken).ConfigureAwait(false);
        await WriteTextAsync(group, Extras, records, r => r.Extras.Json, cancellationToken).ConfigureAwait(false);
    }

    private static Task WriteTextAsync(ParquetRowGroupWriter group, DataField<string> field, IReadOnlyCollection<CallRecord> records, Func<CallRecord, string?> value, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return group.WriteAsync(field, records.Select(value).ToArray()!);
    }

    private static Task WriteIntAsync(ParquetRowGroupWriter group, DataField<int?> field, IReadOnlyCollection<CallRecord> records, Func<CallRecord, int?> value, CancellationToken cancellationToken) =>
        group.WriteAsync<int>(field, records.Select(value).ToArray(), cancellationToken: cancellationToken);

    private static Task WriteTimeAsync(ParquetRowGroupWriter group, DateTimeDataField field, IReadOnlyCollection<CallRecord> records, Func<CallRecord, DateTimeOffset?> value, CancellationToken cancellationToken) =>
        group.WriteAsync<DateTime>(field, records.Select(r => value(r)?.UtcDateTime).ToArray(), cancellationToken: cancellationToken);
}
