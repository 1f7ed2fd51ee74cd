using System.Globalization;
using CdrFunctions.Pipeline.Model;
using CsvHelper;

namespace CdrFunctions.Pipeline.Normalize;

/// <summary>
/// The curated CSV Power BI reads: UTF-8 without BOM, a header, one stable column order, invariant culture,
/// ISO-8601 UTC times, text cells escaped against formula injection (<see cref="SpreadsheetText"/>). It also
/// serves as the manifest of what the last normalization of a window wrote.
/// </summary>
public static class CuratedCsv
{
    public static readonly IReadOnlyList<string> Columns =
    [
        "vendor", "callId", "direction", "fromNumber", "toNumber", "startUtc", "answerUtc", "endUtc",
        "queueSeconds", "talkSeconds", "holdSeconds", "totalSeconds", "outcome", "agentId", "agentName",
        "queue", "recordingUrl", "transferCount", "rawBlob", "extras",
    ];

    private static readonly CsvWriterOptions WriterOptions = new()
    {
        NewLine = "\n",
        Separator = ',',
        FormatProvider = CultureInfo.InvariantCulture,
    };

    private static readonly CsvReaderOptions ReaderOptions = new()
    {
        Separator = ',',
        HasHeader = true,
        FormatProvider = CultureInfo.InvariantCulture,
    };

    public static async Task WriteAsync(IEnumerable<CallRecord> records, Stream output, CancellationToken cancellationToken)
    {
        await using var csv = CsvWriter.Create(output, WriterOptions, leaveOpen: true);
        csv.WriteHeader(Columns.ToArray());
        foreach (var r in records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            csv.WriteField(SpreadsheetText.EscapeCell(r.Vendor));
            csv.WriteField(SpreadsheetText.EscapeCell(r.CallId));
            csv.WriteField(SpreadsheetText.EscapeCell(r.Direction.ToWire()));
            csv.WriteField(SpreadsheetText.EscapePhone(r.FromNumber));
            csv.WriteField(SpreadsheetText.EscapePhone(r.ToNumber));
            csv.WriteField(IsoUtc.Format(r.StartUtc));
            csv.WriteField(IsoUtc.Format(r.AnswerUtc));
            csv.WriteField(IsoUtc.Format(r.EndUtc));
            csv.WriteField(r.QueueSeconds, default);
            csv.WriteField(r.TalkSeconds, default);
            csv.WriteField(r.HoldSeconds, default);
            csv.WriteField(r.TotalSeconds, default);
            csv.WriteField(SpreadsheetText.EscapeCell(r.Outcome.ToWire()));
            csv.WriteField(SpreadsheetText.EscapeCell(r.AgentId));
            csv.WriteField(SpreadsheetText.EscapeCell(r.AgentName));
            csv.WriteField(SpreadsheetText.EscapeCell(r.Queue));
            csv.WriteField(SpreadsheetText.EscapeCell(r.RecordingUrl));
            csv.WriteField(r.TransferCount, default);
            csv.WriteField(SpreadsheetText.EscapeCell(r.RawBlob));
            csv.WriteField(SpreadsheetText.EscapeCell(r.Extras.Json));
            await csv.EndRecordAsync(cancellationToken).ConfigureAwait(false);
        }
        await csv.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task<List<CallRecord>> ReadAsync(Stream input, CancellationToken cancellationToken)
    {
        await using var csv = CsvReader.Create(input, ReaderOptions, leaveOpen: true);
        var list = new List<CallRecord>();
        while (await csv.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var extras = Text(csv, "extras");
            list.Add(new CallRecord
            {
                Vendor = Text(csv, "vendor") ?? "",
                CallId = Text(csv, "callId") ?? "",
                Direction = CallEnumNames.ParseDirection(Text(csv, "direction")),
                FromNumber = NullIfEmpty(Text(csv, "fromNumber")),
                ToNumber = NullIfEmpty(Text(csv, "toNumber")),
                StartUtc = Time(csv.GetString("startUtc")),
                AnswerUtc = Time(csv.GetString("answerUtc")),
                EndUtc = Time(csv.GetString("endUtc")),
                QueueSeconds = Int(csv.GetString("queueSeconds")),
                TalkSeconds = Int(csv.GetString("talkSeconds")),
                HoldSeconds = Int(csv.GetString("holdSeconds")),
                TotalSeconds = Int(csv.GetString("totalSeconds")),
                Outcome = CallEnumNames.ParseOutcome(Text(csv, "outcome")),
                AgentId = NullIfEmpty(Text(csv, "agentId")),
                AgentName = NullIfEmpty(Text(csv, "agentName")),
                Queue = NullIfEmpty(Text(csv, "queue")),
                RecordingUrl = NullIfEmpty(Text(csv, "recordingUrl")),
                TransferCount = Int(csv.GetString("transferCount")),
                RawBlob = NullIfEmpty(Text(csv, "rawBlob")),
                Extras = string.IsNullOrEmpty(extras) ? CallExtras.Empty : CallExtras.FromJson(extras),
            });
        }
        return list;
    }

    private static string? Text(CsvReader csv, string column) => SpreadsheetText.Unescape(csv.GetString(column));

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    private static int? Int(string? s) => string.IsNullOrEmpty(s) ? null : int.Parse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    private static DateTimeOffset? Time(string? s) =>
        string.IsNullOrEmpty(s) ? null : DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime();
}
