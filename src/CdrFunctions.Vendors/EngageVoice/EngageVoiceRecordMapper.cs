using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Parsing;
using CdrFunctions.Pipeline.Phones;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Pipeline.Vendors;
using CsvHelper;

namespace CdrFunctions.Vendors.EngageVoice;

/// <summary>
/// Maps the record a <see cref="CsvReader"/> stands on from its fields' UTF-8 bytes, with the semantics of reading
/// each field as a trimmed string: a field with invalid UTF-8 is read as its string (U+FFFD in place of the bad
/// bytes) and the record says so, or is quarantined when it is the call id. One per parser: it keeps the file's
/// repeating values and its extras buffer.
/// </summary>
internal sealed class EngageVoiceRecordMapper(VendorClock clock, PhoneNumberNormalizer phones) : IDisposable
{
    private static readonly SearchValues<byte> PlainRecordBytes = SearchValues.Create(
        [.. Enumerable.Range(0x20, 0x7F - 0x20).Where(b => b is not ('"' or '\\')).Select(b => (byte)b), (byte)'\r', (byte)'\n']);

    private readonly Utf8ExtrasWriter _extras = new();
    private readonly RecordWarnings _warnings = new();
    private readonly EngageVoiceTimes _times = new(clock);
    private readonly RecentStrings _profiles = new();
    private readonly RecentStrings _results = new();

    // Whether the record being mapped is all printable ASCII without quote or backslash (see Map).
    private bool _plainRecord;

    // The last call_result and its outcome (Outcome(null) is Unknown, the default).
    private string? _lastResult;
    private CallOutcome _lastOutcome;

    // What each disposition column of the file's columns wrote for its last value, by column index.
    private EngageVoiceColumn[]? _lastWrittenColumns;
    private EngageVoiceLastWritten?[] _lastWritten = [];

    public void Dispose() => _extras.Dispose();

    /// <summary>The call of the record, or its quarantine entry.</summary>
    public ParseResult Map(CsvReader csv, EngageVoiceColumn[] columns, bool firstRecord)
    {
        var count = csv.FieldCount;
        if (count < columns.Length)
        {
            return Bad(csv, $"the record has {count} columns, expected {columns.Length} (a cut-off line?)");
        }
        for (var i = columns.Length; i < count; i++)
        {
            if (!Utf8Text.Trim(csv.GetSpan(i)).IsEmpty)
            {
                return Bad(csv, $"the record has {count} columns, expected {columns.Length}, and column {i + 1} is not empty");
            }
        }

        // Fields are cut at ASCII separators, so a valid record has only valid fields: one check for the usual case.
        // A record of printable ASCII without quotes or backslashes (nearly every one) is valid, and every value
        // in it is written to extras as it is.
        _plainRecord = csv.RawRecord.IndexOfAnyExcept(PlainRecordBytes) < 0;
        var validRecord = _plainRecord || Utf8.IsValid(csv.RawRecord);
        if (!ReferenceEquals(columns, _lastWrittenColumns))
        {
            _lastWrittenColumns = columns;
            _lastWritten = new EngageVoiceLastWritten?[columns.Length];
        }
        var f = new Fields();
        _warnings.Clear();
        _extras.Start();
        for (var i = 0; i < columns.Length; i++)
        {
            var column = columns[i];
            ReadOnlySpan<byte> value;
            if (validRecord || Utf8.IsValid(csv.GetRawSpan(i)))
            {
                value = csv.GetSpan(i);
                if (firstRecord && i == 0)
                {
                    while (value.StartsWith("\uFEFF"u8))
                    {
                        value = value[3..];
                    }
                }
                value = Utf8Text.Trim(value);
            }
            else
            {
                // The reader puts U+FFFD in place of the bad bytes; the record says so (or is quarantined, for its id).
                if (column.Field == EngageVoiceField.Uii)
                {
                    return Bad(csv, "column 'uii' (the call id) holds invalid UTF-8");
                }
                _warnings.Repaired(column.Name);
                var text = csv.GetString(i) ?? "";
                value = Encoding.UTF8.GetBytes((firstRecord && i == 0 ? text.TrimStart('\uFEFF') : text).Trim());
            }
            // Most columns only go to extras: no call for them.
            if (column.Field == EngageVoiceField.Other)
            {
                Extra(column, value);
                continue;
            }
            var error = Read(column, i, value, ref f);
            if (error is not null)
            {
                return Bad(csv, error);
            }
        }

        if (string.IsNullOrEmpty(f.Uii))
        {
            return Bad(csv, "column 'uii' (the call id) is empty");
        }
        if (f.Enqueue is null)
        {
            return Bad(csv, "column 'enqueue_time' is empty");
        }
        _warnings.WriteTo(_extras);
        var connected = f.CallResult?.Equals("CONNECTED", StringComparison.OrdinalIgnoreCase) == true;
        return ParseResult.Ok(new CallRecord
        {
            Vendor = EngageVoiceVendor.VendorName,
            CallId = f.Uii,
            Direction = CallDirection.Inbound,
            FromNumber = phones.Normalize(f.Ani),
            ToNumber = phones.Normalize(f.Dnis),
            StartUtc = f.Enqueue,
            AnswerUtc = connected ? f.Dequeue : null,
            EndUtc = f.InboundDuration is { } total ? f.Enqueue.Value.AddSeconds(total) : null,
            QueueSeconds = f.QueueTime,
            TalkSeconds = f.ConnectedDuration ?? (connected ? null : 0),
            TotalSeconds = f.InboundDuration,
            Outcome = OutcomeOf(f.CallResult),
            Queue = f.ProfileName,
            RecordingUrl = f.RecordingUrl,
            Extras = _extras.ToExtras(),
        });
    }

    /// <summary>The quarantine entry of the record the reader stands on.</summary>
    public static ParseResult Bad(CsvReader csv, string reason) =>
        ParseResult.Bad(new Quarantined(Position(csv), reason, Raw(csv)));

    public static string Position(CsvReader csv) => $"line {csv.LineNumber}";

    public static string Raw(CsvReader csv) => Quarantined.Cap(Encoding.UTF8.GetString(csv.RawRecord));

    /// <summary><see cref="EngageVoiceParser.Outcome"/>, worked out again only when the value changes (a repeated value is the same string).</summary>
    private CallOutcome OutcomeOf(string? callResult)
    {
        if (!ReferenceEquals(callResult, _lastResult))
        {
            _lastOutcome = EngageVoiceParser.Outcome(callResult);
            _lastResult = callResult;
        }
        return _lastOutcome;
    }

    /// <summary>One trimmed field into the record's fields and extras; an error text when the record cannot be a call.</summary>
    private string? Read(EngageVoiceColumn column, int index, ReadOnlySpan<byte> value, ref Fields f)
    {
        switch (column.Field)
        {
            case EngageVoiceField.Uii:
                // The leading ' is Excel's text guard, not part of the id.
                f.Uii = Utf8Text.Decode(Utf8Text.Trim(value.TrimStart((byte)'\'')));
                return null;
            case EngageVoiceField.EnqueueTime:
                Extra(column, value);
                return _times.Read(column, value, _times.Enqueue, out f.Enqueue);
            case EngageVoiceField.DequeueTime:
                Extra(column, value);
                return _times.Read(column, value, _times.Dequeue, out f.Dequeue, _warnings);
            case EngageVoiceField.QueueTime:
                return Seconds(column, value, out f.QueueTime);
            case EngageVoiceField.InboundDuration:
                return Seconds(column, value, out f.InboundDuration);
            case EngageVoiceField.ConnectedDuration:
                return Seconds(column, value, out f.ConnectedDuration);
            case EngageVoiceField.ProfileName:
                f.ProfileName = value.IsEmpty ? null : _profiles.Get(value);
                return null;
            case EngageVoiceField.RecordingUrl:
                f.RecordingUrl = value.IsEmpty ? null : Utf8Text.Decode(value);
                return null;
            case EngageVoiceField.Ani:
                // Phone numbers are normalized from their bytes: a caller's number is never made a string of its own.
                f.Ani = value;
                Extra(column, value);
                return null;
            case EngageVoiceField.Dnis:
                f.Dnis = value;
                Extra(column, value);
                return null;
            case EngageVoiceField.CallResult:
                f.CallResult = value.IsEmpty ? null : _results.Get(value);
                Extra(column, value);
                return null;
            case EngageVoiceField.Disposition:
                var last = _lastWritten[index] ??= new EngageVoiceLastWritten();
                if (!last.TryWriteAgain(value, _extras))
                {
                    var mark = _extras.Mark;
                    Extra(column, value);
                    Disposition(column, value);
                    last.Remember(value, _extras.WrittenSince(mark));
                }
                return null;
            default:
                Extra(column, value);
                return null;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Extra(EngageVoiceColumn column, ReadOnlySpan<byte> value)
    {
        // Empty columns are the norm in this report (media_*, the second attempt): leaving them out keeps rows small.
        if (value.Length > 0 && column.Encoded is { } name)
        {
            WriteExtra(name, value);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteExtra(Utf8ExtrasWriter.Key name, ReadOnlySpan<byte> value)
    {
        if (_plainRecord)
        {
            _extras.WriteVerbatim(name, value);
        }
        else
        {
            _extras.WriteString(name, value);
        }
    }

    /// <summary><c>ANSWER(5)</c> → <c>{name}_code: "ANSWER"</c>, <c>{name}_value: 5</c>; anything else stays only as given.</summary>
    private void Disposition(EngageVoiceColumn column, ReadOnlySpan<byte> value)
    {
        var open = value.IndexOf((byte)'(');
        if (open <= 0 || value[^1] != (byte)')')
        {
            return;
        }
        WriteExtra(column.CodeName, Utf8Text.Trim(value[..open]));
        var inner = Utf8Text.Trim(value[(open + 1)..^1]);
        if (EngageVoiceParser.TryParseLong(inner, NumberStyles.AllowLeadingSign, out var n))
        {
            _extras.WriteNumber(column.ValueName, n);
        }
        else
        {
            WriteExtra(column.ValueName, inner);
        }
    }

    /// <summary>Whole seconds; an implausible duration (over 31 days) is unknown with a warning, so no date arithmetic overflows.</summary>
    private string? Seconds(EngageVoiceColumn column, ReadOnlySpan<byte> value, out int? seconds)
    {
        seconds = null;
        if (value.Length == 0)
        {
            return null;
        }
        if (!EngageVoiceParser.TryParseLong(value, NumberStyles.None, out var s))
        {
            return $"column '{column.Name}' is \"{EngageVoiceParser.Clip(Utf8Text.Decode(value))}\", expected whole seconds";
        }
        if (CallTimes.DurationOutOfRange(column.Name, s) is { } range)
        {
            _warnings.Add(range + "; left unknown");
            return null;
        }
        seconds = (int)s;
        return null;
    }

    /// <summary>What the record's columns say, as they are read; the phone numbers stay bytes until normalized.</summary>
    private ref struct Fields
    {
        public string? Uii;
        public DateTimeOffset? Enqueue;
        public DateTimeOffset? Dequeue;
        public int? QueueTime;
        public int? InboundDuration;
        public int? ConnectedDuration;
        public string? ProfileName;
        public string? RecordingUrl;
        public ReadOnlySpan<byte> Ani;
        public ReadOnlySpan<byte> Dnis;
        public string? CallResult;
    }
}
