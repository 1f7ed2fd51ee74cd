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

    private static readonly CsvReaderOptions ReaderOptions = new()
    {
        Separator = ',',
        HasHeader = true,
        FormatProvider = CultureInfo.InvariantCulture,
    };

    /// <summary>
    /// Writes the records with <see cref="Utf8CsvWriter"/>: byte for byte what CsvHelper's writer wrote with LF newlines
    /// and invariant culture, in about half its time (doubling the quotes of the extras JSON, quoted in every row, was
    /// most of it).
    /// </summary>
    public static async Task WriteAsync(IEnumerable<CallRecord> records, Stream output, CancellationToken cancellationToken)
    {
        using var csv = new Utf8CsvWriter(output);
        foreach (var column in Columns)
        {
            csv.WriteField(column);
        }
        await csv.EndRecordAsync(cancellationToken).ConfigureAwait(false);
        foreach (var r in records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            WriteText(csv, r.Vendor);
            WriteText(csv, r.CallId);
            WriteText(csv, r.Direction.ToWire());
            WritePhone(csv, r.FromNumber);
            WritePhone(csv, r.ToNumber);
            csv.WriteField(r.StartUtc);
            csv.WriteField(r.AnswerUtc);
            csv.WriteField(r.EndUtc);
            csv.WriteField(r.QueueSeconds);
            csv.WriteField(r.TalkSeconds);
            csv.WriteField(r.HoldSeconds);
            csv.WriteField(r.TotalSeconds);
            WriteText(csv, r.Outcome.ToWire());
            WriteText(csv, r.AgentId);
            WriteText(csv, r.AgentName);
            WriteText(csv, r.Queue);
            WriteText(csv, r.RecordingUrl);
            csv.WriteField(r.TransferCount);
            WriteText(csv, r.RawBlob);
            WriteExtras(csv, r.Extras);
            await csv.EndRecordAsync(cancellationToken).ConfigureAwait(false);
        }
        await csv.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A text cell, escaped as <see cref="SpreadsheetText.EscapeCell"/> does.</summary>
    private static void WriteText(Utf8CsvWriter csv, string? text)
    {
        if (SpreadsheetText.NeedsEscape(text))
        {
            csv.WriteField(SpreadsheetText.Escape, text);
        }
        else
        {
            csv.WriteField(text);
        }
    }

    /// <summary>The extras cell, as <see cref="WriteText"/> writes its text, from its UTF-8 when no escape is needed (always: it is an object).</summary>
    private static void WriteExtras(Utf8CsvWriter csv, CallExtras extras)
    {
        if (SpreadsheetText.NeedsEscape(extras.Utf8))
        {
            WriteText(csv, extras.Json);
        }
        else
        {
            csv.WriteUtf8Field(extras.Utf8);
        }
    }

    /// <summary>A phone cell, escaped as <see cref="SpreadsheetText.EscapePhone"/> does.</summary>
    private static void WritePhone(Utf8CsvWriter csv, string? number)
    {
        if (SpreadsheetText.PhoneNeedsEscape(number))
        {
            csv.WriteField(SpreadsheetText.Escape, number);
        }
        else
        {
            csv.WriteField(number);
        }
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
