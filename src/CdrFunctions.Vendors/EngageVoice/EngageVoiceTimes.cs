using System.Text;
using CdrFunctions.Pipeline.Parsing;
using CdrFunctions.Pipeline.Time;

namespace CdrFunctions.Vendors.EngageVoice;

/// <summary>
/// The report times of one file, read as <see cref="EngageVoiceParser.ParseReportTime"/> reads them and converted
/// to UTC. Report times have minute resolution, so a window's rows share a few hundred texts; parsing one with
/// six culture-aware formats cost more than the rest of its row. Rows come in time order: each time column
/// remembers its last text too. One per parser.
/// </summary>
internal sealed class EngageVoiceTimes(VendorClock clock)
{
    /// <summary>Distinct report times kept per file.</summary>
    private const int MaxCachedTimes = 4096;

    private readonly Dictionary<string, DateTime?> _times = new(StringComparer.Ordinal);

    public LastTime Enqueue { get; } = new();

    public LastTime Dequeue { get; } = new();

    /// <summary>A report time; out of 2000–2099 it is an error, or unknown with a warning when <paramref name="warnings"/> is given.</summary>
    public string? Read(EngageVoiceColumn column, ReadOnlySpan<byte> value, LastTime last, out DateTimeOffset? utc, RecordWarnings? warnings = null)
    {
        utc = null;
        if (value.Length == 0)
        {
            return null;
        }
        if (!value.SequenceEqual(last.Text))
        {
            last.Remember(value, ToUtc(value));
        }
        var time = last.Time;
        if (time.Local is not { } local)
        {
            return $"column '{column.Name}' is \"{EngageVoiceParser.Clip(Utf8Text.Decode(value))}\", expected a time like 4/20/20 6:12 AM";
        }
        if (time.Utc is not { } converted)
        {
            var range = CallTimes.OutOfRange(column.Name, local)!;
            if (warnings is null)
            {
                return range;
            }
            warnings.Add(range + "; left unknown");
            return null;
        }
        utc = converted;
        return null;
    }

    private ReportTime ToUtc(ReadOnlySpan<byte> value)
    {
        if (ParseTime(value) is not { } local)
        {
            return default;
        }
        return new ReportTime(local, CallTimes.TryToUtc(clock, local, out var utc) ? utc : null);
    }

    private DateTime? ParseTime(ReadOnlySpan<byte> value)
    {
        Span<char> buffer = stackalloc char[EngageVoiceParser.MaxStackChars];
        ReadOnlySpan<char> text = value.Length <= EngageVoiceParser.MaxStackChars ? buffer[..Encoding.UTF8.GetChars(value, buffer)] : Utf8Text.Decode(value);
        var cached = _times.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!cached.TryGetValue(text, out var local))
        {
            local = EngageVoiceParser.ParseReportTime(text);
            if (_times.Count >= MaxCachedTimes)
            {
                _times.Clear();
            }
            cached[text] = local;
        }
        return local;
    }

    public readonly record struct ReportTime(DateTime? Local, DateTimeOffset? Utc);

    /// <summary>The last text of one time column and what it meant.</summary>
    public sealed class LastTime
    {
        private readonly byte[] _text = new byte[EngageVoiceParser.MaxStackChars];
        private int _length = -1;

        public ReadOnlySpan<byte> Text => _length < 0 ? default : _text.AsSpan(0, _length);

        public ReportTime Time { get; private set; }

        public void Remember(ReadOnlySpan<byte> text, ReportTime time)
        {
            Time = time;
            if (text.Length <= _text.Length)
            {
                text.CopyTo(_text);
                _length = text.Length;
            }
            else
            {
                _length = -1;
            }
        }
    }
}
