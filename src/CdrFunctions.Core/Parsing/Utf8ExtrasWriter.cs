using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text.Json;
using CdrFunctions.Pipeline.Model;

namespace CdrFunctions.Pipeline.Parsing;

/// <summary>
/// Writes a record's extras object byte for byte as a <see cref="Utf8JsonWriter"/> with
/// <see cref="CallExtras.WriterOptions"/> does, without its per-call checks: names are encoded once (per file)
/// with their quotes, colon and separator, and a value in which nothing needs escaping (printable ASCII without
/// quote or backslash, nearly every vendor value) is copied as it is; any other value is escaped by the same
/// encoder. Reused per record; one per parser.
/// </summary>
public sealed class Utf8ExtrasWriter : IDisposable
{
    // What UnsafeRelaxedJsonEscaping writes as it is among ASCII: every printable character but '"' and '\\'.
    private static readonly SearchValues<byte> Verbatim = SearchValues.Create(
        [.. Enumerable.Range(0x20, 0x7F - 0x20).Where(b => b is not ('"' or '\\')).Select(b => (byte)b)]);

    // Printable ASCII but the backslash: nested JSON of these bytes holds no escape, so a writer writes it back as sent
    // unless it has spaces between tokens.
    private static readonly SearchValues<byte> Compact = SearchValues.Create(
        [.. Enumerable.Range(0x20, 0x7F - 0x20).Where(b => b != '\\').Select(b => (byte)b)]);

    // Every property is written with its leading comma; ToExtras turns the first one into the object's brace.
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(1024);
    private int _length;
    private ArrayBufferWriter<byte>? _propertyBuffer;
    private Utf8JsonWriter? _property;

    /// <summary>The encoded form of a property name, to keep and pass to the writes.</summary>
    public static Key Name(string name) => new(JsonEncodedText.Encode(name, CallExtras.WriterOptions.Encoder));

    /// <summary>Whether <paramref name="utf8Value"/> is written as it is (nothing in it needs escaping).</summary>
    public static bool IsVerbatim(ReadOnlySpan<byte> utf8Value) => utf8Value.IndexOfAnyExcept(Verbatim) < 0;

    /// <summary>
    /// <see cref="IsVerbatim(ReadOnlySpan{byte})"/> for the string or property name <paramref name="reader"/> stands on: read
    /// unescaped, it can only lack DEL and non-ASCII bytes to be (the reader refused quotes, backslashes and control bytes).
    /// </summary>
    public static bool IsVerbatim(in Utf8JsonReader reader) => !reader.ValueIsEscaped && !reader.ValueSpan.ContainsAnyInRange((byte)0x7F, (byte)0xFF);

    /// <summary>Starts a new object, dropping what was written for the previous record.</summary>
    public void Start()
    {
        _length = 0;
        Append((byte)'{');
    }

    /// <summary>Writes <c>"name":"value"</c>; <paramref name="utf8Value"/> must be valid UTF-8.</summary>
    public void WriteString(Key name, ReadOnlySpan<byte> utf8Value)
    {
        if (IsVerbatim(utf8Value))
        {
            WriteVerbatim(name, utf8Value);
            return;
        }
        WriteName(name);
        Append((byte)'"');
        Append(JsonEncodedText.Encode(utf8Value, CallExtras.WriterOptions.Encoder).EncodedUtf8Bytes);
        Append((byte)'"');
    }

    /// <summary>Writes <c>"name":"value"</c> for a value the caller knows <see cref="IsVerbatim"/>.</summary>
    public void WriteVerbatim(Key name, ReadOnlySpan<byte> utf8Value)
    {
        // One capacity check and two copies: this runs for nearly every field of every record.
        var prefix = name.QuotedPrefix;
        var needed = prefix.Length + utf8Value.Length + 1;
        if (_buffer.Length - _length < needed)
        {
            Grow(needed);
        }
        var to = _buffer.AsSpan(_length, needed);
        CopyShort(prefix, to);
        CopyShort(utf8Value, to[prefix.Length..]);
        to[^1] = (byte)'"';
        _length += needed;
    }

    /// <summary>
    /// Copies <paramref name="from"/> to the start of <paramref name="to"/> (at least as long). Names and values are
    /// nearly always under 32 bytes, and for those two overlapping loads and stores beat a call to the general copy,
    /// whose size dispatch cost more than the copy itself (two calls a field; Memmove was 9% of an Engage Voice parse).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyShort(ReadOnlySpan<byte> from, Span<byte> to)
    {
        var n = from.Length;
        if ((uint)n > 32 || to.Length < n)
        {
            from.CopyTo(to);
            return;
        }
        ref var source = ref MemoryMarshal.GetReference(from);
        ref var target = ref MemoryMarshal.GetReference(to);
        if (n >= 16)
        {
            Unsafe.WriteUnaligned(ref target, Unsafe.ReadUnaligned<Vector128<byte>>(ref source));
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref target, n - 16), Unsafe.ReadUnaligned<Vector128<byte>>(ref Unsafe.Add(ref source, n - 16)));
        }
        else if (n >= 8)
        {
            Unsafe.WriteUnaligned(ref target, Unsafe.ReadUnaligned<ulong>(ref source));
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref target, n - 8), Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref source, n - 8)));
        }
        else if (n >= 4)
        {
            Unsafe.WriteUnaligned(ref target, Unsafe.ReadUnaligned<uint>(ref source));
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref target, n - 4), Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref source, n - 4)));
        }
        else if (n > 0)
        {
            // 1-3 bytes: the first, the middle and the last (some the same).
            target = source;
            Unsafe.Add(ref target, n >> 1) = Unsafe.Add(ref source, n >> 1);
            Unsafe.Add(ref target, n - 1) = Unsafe.Add(ref source, n - 1);
        }
    }

    /// <summary>
    /// Writes <c>"name":value</c> for the value <paramref name="reader"/> stands on when the framework's writer
    /// would copy it as it is: a number, a literal, or a string that <see cref="IsVerbatim(in Utf8JsonReader)"/>;
    /// <paramref name="utf8Name"/> must be verbatim. False, with nothing written, for any other value.
    /// </summary>
    public bool TryWriteVerbatim(ReadOnlySpan<byte> utf8Name, in Utf8JsonReader reader)
    {
        var value = reader.ValueSpan;
        var quoted = reader.TokenType == JsonTokenType.String;
        if (quoted ? !IsVerbatim(in reader) : reader.TokenType is not (JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null))
        {
            return false;
        }
        WriteVerbatimProperty(utf8Name, value, quoted);
        return true;
    }

    /// <summary>
    /// As <see cref="TryWriteVerbatim(ReadOnlySpan{byte}, in Utf8JsonReader)"/> for a document's property as sent
    /// (<c>JsonMarshal</c>'s raw name and value): false, with nothing written, unless both are copied as they are.
    /// </summary>
    public bool TryWriteVerbatim(ReadOnlySpan<byte> rawName, JsonElement value)
    {
        // A raw string holds its quotes; without a backslash in it, nothing was escaped.
        var raw = JsonMarshal.GetRawUtf8Value(value);
        var verbatim = value.ValueKind switch
        {
            JsonValueKind.String => IsVerbatim(raw[1..^1]),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null => true,
            _ => false,
        };
        if (!verbatim || !IsVerbatim(rawName))
        {
            return false;
        }
        WriteVerbatimProperty(rawName, raw, quoted: false);
        return true;
    }

    /// <summary>
    /// Writes <c>"name":value</c> for an object or array as sent (<paramref name="rawValue"/>, read whole) when the
    /// framework's writer would write it back unchanged: printable ASCII with no backslash and no space between tokens;
    /// <paramref name="utf8Name"/> must be verbatim. False, with nothing written, for any other value.
    /// </summary>
    public bool TryWriteCompact(ReadOnlySpan<byte> utf8Name, ReadOnlySpan<byte> rawValue)
    {
        if (rawValue.IndexOfAnyExcept(Compact) >= 0 || HasSpaceBetweenTokens(rawValue))
        {
            return false;
        }
        WriteVerbatimProperty(utf8Name, rawValue, quoted: false);
        return true;
    }

    /// <summary>Whether a space of <paramref name="raw"/> (JSON without backslashes) stands outside its strings.</summary>
    private static bool HasSpaceBetweenTokens(ReadOnlySpan<byte> raw)
    {
        // Without backslashes every quote opens or closes a string: a space after an even number of them is outside.
        // Spaces are few (inside times like "4:13:18 pm"), so the quotes are counted only up to each.
        var quotes = 0;
        var counted = 0;
        for (var i = raw.IndexOf((byte)' '); i >= 0; i = raw[counted..].IndexOf((byte)' ') is var next and >= 0 ? counted + next : -1)
        {
            quotes += raw[counted..i].Count((byte)'"');
            if (quotes % 2 == 0)
            {
                return true;
            }
            counted = i + 1;
        }
        return false;
    }

    private void WriteVerbatimProperty(ReadOnlySpan<byte> utf8Name, ReadOnlySpan<byte> value, bool quoted)
    {
        var needed = utf8Name.Length + 4 + value.Length + (quoted ? 2 : 0);
        if (_buffer.Length - _length < needed)
        {
            Grow(needed);
        }
        var to = _buffer.AsSpan(_length, needed);
        to[0] = (byte)',';
        to[1] = (byte)'"';
        utf8Name.CopyTo(to[2..]);
        var at = 2 + utf8Name.Length;
        to[at++] = (byte)'"';
        to[at++] = (byte)':';
        if (quoted)
        {
            to[at++] = (byte)'"';
            to[^1] = (byte)'"';
        }
        value.CopyTo(to[at..]);
        _length += needed;
    }

    /// <summary>
    /// A framework writer standing in an empty object, for a property only it writes exactly (escapes, repairs,
    /// nested values); <see cref="EndProperty"/> appends what was written, as one writer would have.
    /// </summary>
    public Utf8JsonWriter StartProperty()
    {
        _propertyBuffer ??= new ArrayBufferWriter<byte>(256);
        _propertyBuffer.ResetWrittenCount();
        _property ??= new Utf8JsonWriter(_propertyBuffer, CallExtras.WriterOptions);
        _property.Reset(_propertyBuffer);
        _property.WriteStartObject();
        return _property;
    }

    /// <summary>Appends the properties written since <see cref="StartProperty"/>.</summary>
    public void EndProperty()
    {
        _property!.WriteEndObject();
        _property.Flush();
        var properties = _propertyBuffer!.WrittenSpan[1..^1];
        if (properties.IsEmpty)
        {
            return;
        }
        Append((byte)',');
        Append(properties);
    }

    /// <summary>Writes <c>"name":value</c>.</summary>
    public void WriteNumber(Key name, long value)
    {
        WriteName(name);
        int written;
        while (!value.TryFormat(_buffer.AsSpan(_length), out written, default, System.Globalization.CultureInfo.InvariantCulture))
        {
            Grow(32);
        }
        _length += written;
    }

    /// <summary>Writes <c>"name":["item",...]</c>.</summary>
    public void WriteStrings(Key name, IEnumerable<string> items)
    {
        WriteName(name);
        Append((byte)'[');
        var first = true;
        foreach (var item in items)
        {
            if (!first)
            {
                Append((byte)',');
            }
            first = false;
            Append((byte)'"');
            Append(JsonEncodedText.Encode(item, CallExtras.WriterOptions.Encoder).EncodedUtf8Bytes);
            Append((byte)'"');
        }
        Append((byte)']');
    }

    /// <summary>Where the next property will be written: a mark for <see cref="WrittenSince"/>.</summary>
    public int Mark => _length;

    /// <summary>The properties written since <paramref name="mark"/>, as <see cref="WriteAgain"/> takes them.</summary>
    public ReadOnlySpan<byte> WrittenSince(int mark) => _buffer.AsSpan(mark, _length - mark);

    /// <summary>Writes properties again as this writer wrote them before (<see cref="WrittenSince"/>): one copy.</summary>
    public void WriteAgain(ReadOnlySpan<byte> properties) => Append(properties);

    /// <summary>Closes the object and returns it as extras.</summary>
    public CallExtras ToExtras()
    {
        Append((byte)'}');
        if (_length == 2)
        {
            return CallExtras.FromWrittenUtf8(_buffer.AsSpan(0, 2));
        }
        // "{,"a":..." → "{"a":...": the first property's comma becomes the brace.
        _buffer[1] = (byte)'{';
        return CallExtras.FromWrittenUtf8(_buffer.AsSpan(1, _length - 1));
    }

    public void Dispose()
    {
        _property?.Dispose();
        var buffer = _buffer;
        _buffer = [];
        _length = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void WriteName(Key name) => Append(name.Prefix);

    private void Append(byte b)
    {
        if (_length == _buffer.Length)
        {
            Grow(1);
        }
        _buffer[_length++] = b;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_buffer.Length - _length < bytes.Length)
        {
            Grow(bytes.Length);
        }
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    private void Grow(int needed)
    {
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + needed));
        _buffer.AsSpan(0, _length).CopyTo(larger);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
        _buffer = larger;
    }

    /// <summary>A property name as written: <c>,"name":</c>, and with a string value's opening quote.</summary>
    public sealed class Key
    {
        private readonly byte[] _written;

        internal Key(JsonEncodedText encoded) => _written = [(byte)',', (byte)'"', .. encoded.EncodedUtf8Bytes, (byte)'"', (byte)':', (byte)'"'];

        internal ReadOnlySpan<byte> Prefix => _written.AsSpan(0, _written.Length - 1);

        internal ReadOnlySpan<byte> QuotedPrefix => _written;
    }
}
