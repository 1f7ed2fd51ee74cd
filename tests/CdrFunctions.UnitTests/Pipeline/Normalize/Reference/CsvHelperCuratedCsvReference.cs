using System.Globalization;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Normalize;
using CsvHelper;

namespace CdrFunctions.Tests.Pipeline.Normalize.Reference;

/// <summary>
/// The curated CSV as CsvHelper's writer wrote it (CuratedCsv.WriteAsync on main at 72f9dcb), kept only so that
/// CuratedCsvDifferentialTests can hold the writer that replaced it to the same bytes.
/// </summary>
internal static class CsvHelperCuratedCsvReference
{
    private static readonly CsvWriterOptions WriterOptions = new()
    {
        NewLine = "\n",
        Separator = ',',
        FormatProvider = CultureInfo.InvariantCulture,
    };

    public static async Task WriteAsync(IEnumerable<CallRecord> records, Stream output, CancellationToken cancellationToken)
    {
        await using var csv = CsvWriter.Create(output, WriterOptions, leaveOpen: true);
        csv.WriteHeader(CuratedCsv.Columns.ToArray());
        foreach (var r in records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            csv.WriteField(SpreadsheetText.EscapeCell(r.Vendor));
            csv.WriteField(SpreadsheetText.EscapeCell(r.CallId));
            csv.WriteField(SpreadsheetText.EscapeCell(r.Direction.ToWire()));
            csv.WriteField(SpreadsheetText.EscapePhone(r.FromNumber));
            csv.WriteField(SpreadsheetText.EscapePhone(r.ToNumber));
            csv.WriteField(Time(r.StartUtc));
            csv.WriteField(Time(r.AnswerUtc));
            csv.WriteField(Time(r.EndUtc));
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

    /// <summary>Times as IsoUtc.Format wrote them at 72f9dcb, kept here so the reference shares no code with the writer.</summary>
    internal static string? Time(DateTimeOffset? value) => value?.UtcDateTime is not { } utc
        ? null
        : utc.Ticks % TimeSpan.TicksPerSecond == 0
            ? utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : utc.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}
