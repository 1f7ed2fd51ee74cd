using System.Buffers;
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

    // Every property is written with its leading comma; ToExtras turns the first one into the object's brace.
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(1024);
    private int _length;

    /// <summary>The encoded form of a property name, to keep and pass to the writes.</summary>
    public static Key Name(string name) => new(JsonEncodedText.Encode(name, CallExtras.WriterOptions.Encoder));

    /// <summary>Whether <paramref name="utf8Value"/> is written as it is (nothing in it needs escaping).</summary>
    public static bool IsVerbatim(ReadOnlySpan<byte> utf8Value) => utf8Value.IndexOfAnyExcept(Verbatim) < 0;

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
        var to = _buffer.AsSpan(_length);
        prefix.CopyTo(to);
        utf8Value.CopyTo(to[prefix.Length..]);
        to[needed - 1] = (byte)'"';
        _length += needed;
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
