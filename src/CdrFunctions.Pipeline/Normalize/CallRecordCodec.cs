using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;
using CdrFunctions.Pipeline.Model;

namespace CdrFunctions.Pipeline.Normalize;

/// <summary>
/// A compact binary form of <see cref="CallRecord"/> for the temporary file of a <see cref="CallRecordStore"/>. It reads
/// back exactly what was written: text as UTF-8, or as UTF-16 when it is not valid Unicode (a lone surrogate would not
/// survive UTF-8), times with their offset. Not a contract: the file lives as long as one normalization.
/// </summary>
internal static class CallRecordCodec
{
    private const byte Null = 0;
    private const byte Utf8Text = 1;
    private const byte Utf16Text = 2;
    private const byte Value = 1;

    public static void Write(CallRecord r, ArrayBufferWriter<byte> output)
    {
        WriteText(output, r.Vendor);
        WriteText(output, r.CallId);
        WriteInt(output, (int)r.Direction);
        WriteText(output, r.FromNumber);
        WriteText(output, r.ToNumber);
        WriteTime(output, r.StartUtc);
        WriteTime(output, r.AnswerUtc);
        WriteTime(output, r.EndUtc);
        WriteInt(output, r.QueueSeconds);
        WriteInt(output, r.TalkSeconds);
        WriteInt(output, r.HoldSeconds);
        WriteInt(output, r.TotalSeconds);
        WriteInt(output, (int)r.Outcome);
        WriteText(output, r.AgentId);
        WriteText(output, r.AgentName);
        WriteText(output, r.Queue);
        WriteText(output, r.RecordingUrl);
        WriteInt(output, r.TransferCount);
        WriteText(output, r.RawBlob);
        WriteBytes(output, Utf8Text, r.Extras.Utf8);
    }

    public static CallRecord Read(ReadOnlySpan<byte> input)
    {
        var reader = new Reader(input);
        var vendor = reader.Text()!;
        var callId = reader.Text()!;
        var direction = (CallDirection)reader.Int()!.Value;
        var from = reader.Text();
        var to = reader.Text();
        var start = reader.Time();
        var answer = reader.Time();
        var end = reader.Time();
        var queueSeconds = reader.Int();
        var talkSeconds = reader.Int();
        var holdSeconds = reader.Int();
        var totalSeconds = reader.Int();
        var outcome = (CallOutcome)reader.Int()!.Value;
        var agentId = reader.Text();
        var agentName = reader.Text();
        var queue = reader.Text();
        var recordingUrl = reader.Text();
        var transferCount = reader.Int();
        var rawBlob = reader.Text();
        return new CallRecord
        {
            Vendor = vendor,
            CallId = callId,
            Direction = direction,
            FromNumber = from,
            ToNumber = to,
            StartUtc = start,
            AnswerUtc = answer,
            EndUtc = end,
            QueueSeconds = queueSeconds,
            TalkSeconds = talkSeconds,
            HoldSeconds = holdSeconds,
            TotalSeconds = totalSeconds,
            Outcome = outcome,
            AgentId = agentId,
            AgentName = agentName,
            Queue = queue,
            RecordingUrl = recordingUrl,
            TransferCount = transferCount,
            RawBlob = rawBlob,
            Extras = reader.Extras(),
        };
    }

    private static void WriteText(ArrayBufferWriter<byte> output, string? text)
    {
        if (text is null)
        {
            output.GetSpan(1)[0] = Null;
            output.Advance(1);
            return;
        }
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        var span = output.GetSpan(5 + max);
        if (Utf8.FromUtf16(text, span[5..], out _, out var written, replaceInvalidSequences: false) == OperationStatus.Done)
        {
            span[0] = Utf8Text;
            BinaryPrimitives.WriteInt32LittleEndian(span[1..], written);
            output.Advance(5 + written);
            return;
        }
        WriteBytes(output, Utf16Text, MemoryMarshal.AsBytes(text.AsSpan()));
    }

    /// <summary>A text field of the given kind: the kind, the byte count, the bytes.</summary>
    private static void WriteBytes(ArrayBufferWriter<byte> output, byte kind, ReadOnlySpan<byte> bytes)
    {
        var span = output.GetSpan(5 + bytes.Length);
        span[0] = kind;
        BinaryPrimitives.WriteInt32LittleEndian(span[1..], bytes.Length);
        bytes.CopyTo(span[5..]);
        output.Advance(5 + bytes.Length);
    }

    private static void WriteInt(ArrayBufferWriter<byte> output, int? value)
    {
        var span = output.GetSpan(5);
        span[0] = value is null ? Null : Value;
        BinaryPrimitives.WriteInt32LittleEndian(span[1..], value ?? 0);
        output.Advance(5);
    }

    private static void WriteTime(ArrayBufferWriter<byte> output, DateTimeOffset? value)
    {
        var span = output.GetSpan(11);
        span[0] = value is null ? Null : Value;
        BinaryPrimitives.WriteInt64LittleEndian(span[1..], value?.Ticks ?? 0);
        BinaryPrimitives.WriteInt16LittleEndian(span[9..], (short)(value?.TotalOffsetMinutes ?? 0));
        output.Advance(11);
    }

    private ref struct Reader(ReadOnlySpan<byte> input)
    {
        private ReadOnlySpan<byte> _rest = input;

        public string? Text()
        {
            var kind = TextBytes(out var bytes);
            return kind switch
            {
                Null => null,
                Utf8Text => Encoding.UTF8.GetString(bytes),
                _ => new string(MemoryMarshal.Cast<byte, char>(bytes)),
            };
        }

        /// <summary>Extras were valid JSON in UTF-8 when written, so they are taken back without parsing them again.</summary>
        public CallExtras Extras()
        {
            TextBytes(out var bytes);
            return CallExtras.FromWrittenUtf8(bytes);
        }

        private byte TextBytes(out ReadOnlySpan<byte> bytes)
        {
            var kind = _rest[0];
            if (kind == Null)
            {
                _rest = _rest[1..];
                bytes = default;
                return Null;
            }
            var length = BinaryPrimitives.ReadInt32LittleEndian(_rest[1..]);
            bytes = _rest.Slice(5, length);
            _rest = _rest[(5 + length)..];
            return kind;
        }

        public int? Int()
        {
            int? value = _rest[0] == Null ? null : BinaryPrimitives.ReadInt32LittleEndian(_rest[1..]);
            _rest = _rest[5..];
            return value;
        }

        public DateTimeOffset? Time()
        {
            DateTimeOffset? value = _rest[0] == Null
                ? null
                : new DateTimeOffset(BinaryPrimitives.ReadInt64LittleEndian(_rest[1..]), TimeSpan.FromMinutes(BinaryPrimitives.ReadInt16LittleEndian(_rest[9..])));
            _rest = _rest[11..];
            return value;
        }
    }
}
