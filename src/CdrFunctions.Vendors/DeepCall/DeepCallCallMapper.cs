using System.Buffers;
using System.Text;
using System.Text.Json;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Parsing;
using CdrFunctions.Pipeline.Phones;
using CdrFunctions.Pipeline.Time;

namespace CdrFunctions.Vendors.DeepCall;

/// <summary>
/// A call of the list or detail endpoint (field names of the documented detail example), mapped straight from
/// its UTF-8 bytes by a <see cref="Utf8JsonReader"/>, matching field names as UTF-8: the known fields are read,
/// every other field is kept verbatim in extras, and bad text in a kept field is repaired with a warning rather
/// than dropping the call. One per file: its clock, phone cache and extras buffer serve the whole window.
/// </summary>
internal sealed class DeepCallCallMapper(DeepCallOptions options) : IDisposable
{
    private readonly VendorClock _clock = VendorClock.ForZone(options.TimeZone);
    private readonly PhoneNumberNormalizer _phones = new(options.DefaultRegion);
    private readonly RecordWarnings _warnings = new();
    private readonly Utf8ExtrasWriter _extras = new();
    private string? _recordingPrefix;

    public void Dispose() => _extras.Dispose();

    /// <summary>
    /// Maps the value the reader stands on (in a file already read whole once) and leaves the reader on its last
    /// token, whatever happens. Never throws for bad data: an exception quarantines the record with its reason, as
    /// <see cref="ParseGuard.Record"/> does.
    /// </summary>
    public ParseResult Map(ref Utf8JsonReader reader, ReadOnlySpan<byte> source, DeepCallPosition position)
    {
        var start = reader;
        var startIndex = (int)reader.TokenStartIndex;
        if (source.Length - startIndex > ParseGuard.MaxRecordBytes)
        {
            // Only a large file can hold a record over the limit: measure it before reading it.
            var probe = reader;
            probe.Skip();
            if (probe.BytesConsumed - startIndex > ParseGuard.MaxRecordBytes)
            {
                reader = probe;
                return ParseResult.Bad(new Quarantined(position.ToString(), ParseGuard.TooLarge(probe.BytesConsumed - startIndex), Quarantined.Cap(Text(source, startIndex, probe))));
            }
        }
        try
        {
            return MapUnguarded(ref reader, source, startIndex, position);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The file was read whole once already, so skipping the record from its start cannot fail.
            reader = start;
            reader.Skip();
            return ParseGuard.Failed(e, position.ToString(), Text(source, startIndex, reader));
        }
    }

    private ParseResult MapUnguarded(ref Utf8JsonReader reader, ReadOnlySpan<byte> source, int startIndex, DeepCallPosition position)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            var kind = Utf8Values.KindName(reader.TokenType);
            reader.Skip();
            return Bad(position, $"a call must be a JSON object, not {kind}", source, startIndex, reader);
        }
        var f = new CallFields();
        _warnings.Clear();
        _extras.Start();
        Span<byte> unescaped = stackalloc byte[64];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            // Nearly every name is matched as sent; a mapped one is then printable ASCII, so clean and written as it is.
            var field = reader.ValueIsEscaped ? Field.Other : Identify(reader.ValueSpan);
            var verbatim = field != Field.Other || Utf8ExtrasWriter.IsVerbatim(in reader);
            if (!verbatim && !SafeJson.IsClean(reader.ValueSpan))
            {
                // A name with bad bytes matches no field: kept repaired in extras.
                _warnings.Repaired(SafeJson.Unescape(reader.ValueSpan));
                var extras = _extras.StartProperty();
                Utf8Values.WriteName(ref reader, extras);
                reader.Read();
                Utf8Values.CopyValue(ref reader, extras);
                _extras.EndProperty();
                continue;
            }
            if (reader.ValueIsEscaped)
            {
                field = Identify(Utf8Values.CleanName(in reader, unescaped));
            }
            if (Read(ref reader, source, field, verbatim, ref f) is { } error)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    reader.Read();
                    reader.Skip();
                }
                return Bad(position, error, source, startIndex, reader);
            }
        }
        _warnings.WriteTo(_extras);
        return Build(f, position, source, startIndex, reader);
    }

    private ParseResult Build(in CallFields f, DeepCallPosition position, ReadOnlySpan<byte> source, int startIndex, in Utf8JsonReader end)
    {
        if (f.Id is null)
        {
            return Bad(position, f.IdSeen ? "field 'clId' (the call id) is empty" : "field 'clId' (the call id) is missing", source, startIndex, end);
        }
        var start = f.Tm;
        if (start is null)
        {
            if (f.ClDt is null || f.ClTm is null)
            {
                return Bad(position, "field 'tm' is missing (and no clDt/clTm to fall back on)", source, startIndex, end);
            }
            if (!DeepCallValues.TryLocalDateTime(f.ClDt, f.ClTm, out var local))
            {
                return Bad(position, $"fields 'clDt'/'clTm' are \"{JsonValues.Clip(f.ClDt)}\" \"{JsonValues.Clip(f.ClTm)}\", expected like 22/Nov/2025 and 4:13:18 pm", source, startIndex, end);
            }
            if (!CallTimes.TryToUtc(_clock, local, out var converted))
            {
                return Bad(position, CallTimes.OutOfRange("clDt", local)!, source, startIndex, end);
            }
            start = converted;
        }
        var direction = DeepCallCallTypes.Direction(f.CallType);
        var customer = _phones.Normalize(f.Customer);
        return ParseResult.Ok(new CallRecord
        {
            Vendor = DeepCallVendor.VendorName,
            CallId = f.Id,
            Direction = direction,
            FromNumber = direction == CallDirection.Outbound ? null : customer,
            ToNumber = direction == CallDirection.Outbound ? customer : null,
            StartUtc = start,
            QueueSeconds = f.Queue,
            TalkSeconds = f.Talk,
            Outcome = f.Talk switch
            {
                > 0 => CallOutcome.Answered,
                0 => DeepCallCallTypes.Unanswered(direction),
                _ => CallOutcome.Unknown,
            },
            AgentId = f.Agent,
            RecordingUrl = (f.Recording ?? f.LegRecording) is { } rcrd ? RecordingUrl(rcrd) : null,
            Extras = _extras.ToExtras(),
        });
    }

    /// <summary>
    /// <see cref="DeepCallOptions.RecordingUrl"/> with its prefix worked out once per file: building the
    /// <see cref="Uri"/> for every call showed as several per cent of the parse.
    /// </summary>
    private string RecordingUrl(string rcrd) => (_recordingPrefix ??= options.RecordingUrl("")) + rcrd.Replace('*', '/');

    private enum Field : byte
    {
        Other, ClId, Tm, ClDt, ClTm, CNum, ClTy, MAgt, Rcrd, Dur, Ctcc, Ctc, Api,
    }

    /// <summary>The mapped fields by their UTF-8 names: length first, so most names cost one comparison.</summary>
    private static Field Identify(ReadOnlySpan<byte> n) => n.Length switch
    {
        2 when n.SequenceEqual("tm"u8) => Field.Tm,
        3 when n.SequenceEqual("dur"u8) => Field.Dur,
        3 when n.SequenceEqual("ctc"u8) => Field.Ctc,
        3 when n.SequenceEqual("api"u8) => Field.Api,
        4 => n.SequenceEqual("clId"u8) ? Field.ClId
            : n.SequenceEqual("clDt"u8) ? Field.ClDt
            : n.SequenceEqual("clTm"u8) ? Field.ClTm
            : n.SequenceEqual("cNum"u8) ? Field.CNum
            : n.SequenceEqual("clTy"u8) ? Field.ClTy
            : n.SequenceEqual("mAgt"u8) ? Field.MAgt
            : n.SequenceEqual("rcrd"u8) ? Field.Rcrd
            : n.SequenceEqual("ctcc"u8) ? Field.Ctcc
            : Field.Other,
        _ => Field.Other,
    };

    private static readonly string[] Names = ["", "clId", "tm", "clDt", "clTm", "cNum", "clTy", "mAgt", "rcrd", "dur", "ctcc", "ctc", "api"];

    /// <summary>Fields kept in extras besides being read: the original texts (the columns hold normalized forms) and nested values.</summary>
    private static bool KeptInExtras(Field field) => field is Field.Other or Field.ClDt or Field.ClTm or Field.CNum or Field.ClTy or Field.Dur or Field.Ctcc or Field.Ctc;

    /// <summary>
    /// Reads the value of the property the reader stands on (a clean name, <paramref name="verbatim"/> when it is
    /// printable ASCII as sent); the reader ends on the value's last token.
    /// </summary>
    private string? Read(ref Utf8JsonReader r, ReadOnlySpan<byte> source, Field field, bool verbatim, ref CallFields f)
    {
        if (field == Field.Api)
        {
            r.Read();
            WriteApi(ref r);
            return null;
        }
        if (!KeptInExtras(field))
        {
            r.Read();
            return ReadMapped(ref r, source, field, ref f);
        }
        var error = ReadKept(ref r, source, field, verbatim, ref f);
        if (f.DurationsRead)
        {
            // After the field's extras, whose repair warning comes first.
            f.DurationsRead = false;
            f.Queue = Plausible("dur.q", f.Queue);
            f.Talk = Plausible("dur.agtOnCl", f.Talk);
        }
        return error;
    }

    /// <summary>Reads a field kept in extras: written as sent when it can be, else by the framework writer.</summary>
    private string? ReadKept(ref Utf8JsonReader r, ReadOnlySpan<byte> source, Field field, bool verbatim, ref CallFields f)
    {
        if (!verbatim)
        {
            // Rare: an escaped name, or one with DEL or non-ASCII bytes; written by the framework writer from a copy of the reader.
            var copy = r;
            var extras = _extras.StartProperty();
            Utf8Values.WriteName(ref copy, extras);
            copy.Read();
            var repaired = Utf8Values.CopyValue(ref copy, extras);
            _extras.EndProperty();
            if (repaired)
            {
                _warnings.Repaired(field == Field.Other ? Utf8Values.Decode(ref r, out _) : Names[(int)field]);
            }
            r.Read();
            if (field == Field.Other)
            {
                r = copy;
                return null;
            }
            return ReadMapped(ref r, source, field, ref f);
        }
        var name = r.ValueSpan;
        r.Read();
        if (r.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            // Read first, then copied as sent when a writer would write the same bytes (compact vendor JSON).
            var value = r;
            var valueStart = (int)r.TokenStartIndex;
            var error = field == Field.Other ? Skip(ref r) : ReadMapped(ref r, source, field, ref f);
            if (!_extras.TryWriteCompact(name, source[valueStart..(int)r.BytesConsumed]) && CopyValue(ref value, name))
            {
                _warnings.Repaired(field == Field.Other ? Encoding.UTF8.GetString(name) : Names[(int)field]);
            }
            return error;
        }
        if (!_extras.TryWriteVerbatim(name, in r))
        {
            var copy = r;
            if (CopyValue(ref copy, name))
            {
                _warnings.Repaired(field == Field.Other ? Encoding.UTF8.GetString(name) : Names[(int)field]);
            }
        }
        return field == Field.Other ? null : ReadMapped(ref r, source, field, ref f);
    }

    private static string? Skip(ref Utf8JsonReader r)
    {
        r.Skip();
        return null;
    }

    /// <summary>Writes the value the reader stands on, after the verbatim <paramref name="name"/>, through the framework writer; true when repaired.</summary>
    private bool CopyValue(ref Utf8JsonReader r, ReadOnlySpan<byte> name)
    {
        var extras = _extras.StartProperty();
        extras.WritePropertyName(name);
        var repaired = Utf8Values.CopyValue(ref r, extras);
        _extras.EndProperty();
        return repaired;
    }

    /// <summary>Reads a mapped field's value the reader stands on; it ends on the value's last token.</summary>
    private string? ReadMapped(ref Utf8JsonReader r, ReadOnlySpan<byte> source, Field field, ref CallFields f)
    {
        var error = field switch
        {
            Field.ClId => Utf8Values.Text(ref r, "clId", out f.Id),
            Field.Tm => DeepCallValues.EpochMillis(ref r, source, out f.Tm),
            Field.ClDt => Utf8Values.Text(ref r, "clDt", out f.ClDt, _warnings),
            Field.ClTm => Utf8Values.Text(ref r, "clTm", out f.ClTm, _warnings),
            Field.CNum => Utf8Values.Text(ref r, "cNum", out f.Customer, _warnings),
            Field.ClTy => Utf8Values.Text(ref r, "clTy", out f.CallType, _warnings),
            Field.MAgt => Utf8Values.Text(ref r, "mAgt", out f.Agent, _warnings),
            Field.Rcrd => Utf8Values.Text(ref r, "rcrd", out f.Recording, _warnings),
            Field.Dur => Durations(ref r, ref f),
            _ => Legs(ref r, Names[(int)field], ref f),
        };
        f.IdSeen |= field == Field.ClId;
        // A value of the wrong shape (an object where text belongs) is skipped whole: the record is rejected anyway.
        r.Skip();
        return error;
    }

    /// <summary>
    /// <c>dur</c>: the queue and talk times of its last <c>q</c> and <c>agtOnCl</c>, as a DOM lookup finds them;
    /// <see cref="CallFields.DurationsRead"/> asks for their plausibility check.
    /// </summary>
    private static string? Durations(ref Utf8JsonReader v, ref CallFields f)
    {
        if (v.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        if (v.TokenType != JsonTokenType.StartObject)
        {
            return $"field 'dur' is {Utf8Values.KindName(v.TokenType)}, expected an object of HH:mm:ss durations";
        }
        Utf8JsonReader q = default, talk = default;
        bool hasQ = false, hasTalk = false;
        while (v.Read() && v.TokenType == JsonTokenType.PropertyName)
        {
            var isQ = Utf8Values.NameIs(ref v, "q"u8);
            var isTalk = !isQ && Utf8Values.NameIs(ref v, "agtOnCl"u8);
            v.Read();
            if (isQ)
            {
                q = v;
                hasQ = true;
            }
            else if (isTalk)
            {
                talk = v;
                hasTalk = true;
            }
            v.Skip();
        }
        if (hasQ && DeepCallValues.Hms(ref q, "dur.q", out f.Queue) is { } qError)
        {
            return qError;
        }
        if (hasTalk && DeepCallValues.Hms(ref talk, "dur.agtOnCl", out f.Talk) is { } talkError)
        {
            return talkError;
        }
        f.DurationsRead = true;
        return null;
    }

    /// <summary>An implausible duration is left unknown with a warning (the call itself is fine).</summary>
    private int? Plausible(string field, int? seconds)
    {
        if (seconds is { } s && CallTimes.DurationOutOfRange(field, s) is { } range)
        {
            _warnings.Add(range + "; left unknown");
            return null;
        }
        return seconds;
    }

    /// <summary>Legs stay in extras verbatim; the first leg with a recording (its last <c>rcrd</c>) gives the call's recording.</summary>
    private static string? Legs(ref Utf8JsonReader v, string field, ref CallFields f)
    {
        if (v.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        if (v.TokenType != JsonTokenType.StartArray)
        {
            return $"field '{field}' is {Utf8Values.KindName(v.TokenType)}, expected an array of call legs";
        }
        while (v.Read() && v.TokenType != JsonTokenType.EndArray)
        {
            if (f.LegRecording is not null || v.TokenType != JsonTokenType.StartObject)
            {
                v.Skip();
                continue;
            }
            string? rcrd = null;
            while (v.Read() && v.TokenType == JsonTokenType.PropertyName)
            {
                var isRcrd = Utf8Values.NameIs(ref v, "rcrd"u8);
                v.Read();
                if (isRcrd)
                {
                    rcrd = v.TokenType == JsonTokenType.String ? Utf8Values.Decode(ref v, out _).Trim() : null;
                }
                v.Skip();
            }
            if (rcrd is { Length: > 0 })
            {
                f.LegRecording = rcrd;
            }
        }
        return null;
    }

    /// <summary><c>api</c> is JSON inside a JSON string: kept parsed, or as the text when it is not JSON.</summary>
    private void WriteApi(ref Utf8JsonReader v)
    {
        if (v.TokenType == JsonTokenType.String && v.ValueSpan.Length > 0)
        {
            if (!SafeJson.IsClean(v.ValueSpan))
            {
                WriteApi(Encoding.UTF8.GetBytes(Utf8Values.Decode(ref v, out _)), repaired: true);
                return;
            }
            // Clean text unescaped straight to UTF-8 (the bytes of its string), which never lengthens it.
            var buffer = ArrayPool<byte>.Shared.Rent(v.ValueSpan.Length);
            try
            {
                WriteApi(buffer.AsSpan(0, v.CopyString(buffer)), repaired: false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            return;
        }
        // Nearly always an empty string, copied as it is; a nested value goes through the framework writer.
        if (!_extras.TryWriteVerbatim("api"u8, in v) && CopyValue(ref v, "api"u8))
        {
            _warnings.Repaired("api");
        }
    }

    private void WriteApi(ReadOnlySpan<byte> text, bool repaired)
    {
        if (repaired)
        {
            _warnings.Repaired("api");
        }
        if (!IsOneJsonValue(text))
        {
            // Not JSON after all: kept as the vendor sent it.
            var writer = _extras.StartProperty();
            writer.WriteString("api"u8, text);
            _extras.EndProperty();
            return;
        }
        // Compact vendor JSON (as the API sends it) is written as it is; anything else as a writer copies it.
        if (text[0] is (byte)'{' or (byte)'[' && _extras.TryWriteCompact("api"u8, text))
        {
            return;
        }
        var inner = new Utf8JsonReader(text);
        inner.Read();
        var extras = _extras.StartProperty();
        extras.WritePropertyName("api"u8);
        if (Utf8Values.CopyValue(ref inner, extras))
        {
            _warnings.Repaired("api");
        }
        _extras.EndProperty();
    }

    /// <summary>Whether <see cref="JsonDocument.Parse(ReadOnlyMemory{byte}, JsonDocumentOptions)"/> reads <paramref name="utf8"/> (one value, default options).</summary>
    private static bool IsOneJsonValue(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        try
        {
            if (!reader.Read())
            {
                return false;
            }
            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Text(ReadOnlySpan<byte> source, int startIndex, in Utf8JsonReader end) =>
        Encoding.UTF8.GetString(source[startIndex..(int)end.BytesConsumed]);

    private static ParseResult Bad(DeepCallPosition position, string reason, ReadOnlySpan<byte> source, int startIndex, in Utf8JsonReader end) =>
        ParseResult.Bad(new Quarantined(position.ToString(), reason, Quarantined.Cap(Text(source, startIndex, end))));

    private struct CallFields
    {
        public string? Id;
        public bool IdSeen;
        public DateTimeOffset? Tm;
        public string? ClDt;
        public string? ClTm;
        public string? Customer;
        public string? CallType;
        public string? Agent;
        public string? Recording;
        public string? LegRecording;
        public int? Queue;
        public int? Talk;
        public bool DurationsRead;
    }
}
