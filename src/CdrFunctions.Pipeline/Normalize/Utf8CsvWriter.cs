using System.Buffers;
using System.Globalization;
using System.Text;
using CdrFunctions.Pipeline.Model;

namespace CdrFunctions.Pipeline.Normalize;

/// <summary>
/// A forward-only CSV writer that encodes each field straight to UTF-8 (no BOM) into one pooled buffer and writes the
/// buffer to the stream a chunk at a time, with no string per field. It quotes as CsvHelper's writer does (RFC 4180,
/// quoting when needed): a field is quoted only when it holds a quote, a comma, CR or LF, and its quotes are doubled.
/// A lone surrogate becomes U+FFFD, as UTF-8 has no form for it. Records end with LF; nulls are empty fields.
/// </summary>
internal sealed class Utf8CsvWriter(Stream output) : IDisposable
{
    /// <summary>The buffer is written out once a record ends past this; a record larger than the rest grows it.</summary>
    private const int ChunkSize = 32 * 1024;

    // Only ASCII bytes stand for ASCII characters in UTF-8, so the encoded field can be searched instead of the text.
    private static readonly SearchValues<byte> NeedQuotes = SearchValues.Create(",\"\r\n"u8);

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(2 * ChunkSize);
    private byte[] _scratch = ArrayPool<byte>.Shared.Rent(1024);
    private int _length;
    private bool _inRecord;

    public void WriteField(ReadOnlySpan<char> text) => WriteText(null, text);

    /// <summary>The field <paramref name="asciiPrefix"/> followed by <paramref name="text"/>, without building that string.</summary>
    public void WriteField(char asciiPrefix, ReadOnlySpan<char> text)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(asciiPrefix, '\x7F');
        WriteText((byte)asciiPrefix, text);
    }

    /// <summary>A field already in UTF-8 (valid: the caller's promise), written as its text would be.</summary>
    public void WriteUtf8Field(ReadOnlySpan<byte> utf8)
    {
        var field = StartField(2 + (2 * utf8.Length));
        utf8.CopyTo(field);
        _length += QuoteIfNeeded(field, utf8.Length);
    }

    public void WriteField(int? value)
    {
        var field = StartField(11);
        if (value is { } v)
        {
            v.TryFormat(field, out var written, default, CultureInfo.InvariantCulture);
            _length += written;
        }
    }

    /// <summary>A time as <see cref="IsoUtc"/> writes it.</summary>
    public void WriteField(DateTimeOffset? value)
    {
        var field = StartField(IsoUtc.MaxUtf8Length);
        if (value is { } v)
        {
            _length += IsoUtc.FormatUtf8(v, field);
        }
    }

    public ValueTask EndRecordAsync(CancellationToken cancellationToken)
    {
        Reserve(1);
        _buffer[_length++] = (byte)'\n';
        _inRecord = false;
        return _length >= ChunkSize ? WriteBufferAsync(cancellationToken) : ValueTask.CompletedTask;
    }

    /// <summary>Writes what is buffered and flushes the stream.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        await WriteBufferAsync(cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Returns the buffers to the pool; what was not flushed is dropped.</summary>
    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        ArrayPool<byte>.Shared.Return(_scratch);
        _buffer = [];
        _scratch = [];
        _length = 0;
    }

    private void WriteText(byte? prefix, ReadOnlySpan<char> text)
    {
        // Room for the prefix and the text at up to 3 bytes a UTF-16 unit, and for all of that doubled and quoted.
        var maxBytes = 1 + (3 * text.Length);
        var field = StartField(2 + (2 * maxBytes));
        var length = 0;
        if (prefix is { } p)
        {
            field[length++] = p;
        }
        length += Encoding.UTF8.GetBytes(text, field[length..]);
        _length += QuoteIfNeeded(field, length);
    }

    private int QuoteIfNeeded(Span<byte> field, int length) =>
        field[..length].ContainsAny(NeedQuotes) ? Quote(field, length) : length;

    /// <summary>Encloses the first <paramref name="length"/> bytes of <paramref name="field"/> in quotes, doubling each quote in them.</summary>
    private int Quote(Span<byte> field, int length)
    {
        if (_scratch.Length < length)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = ArrayPool<byte>.Shared.Rent(length);
        }
        var unquoted = _scratch.AsSpan(0, length);
        field[..length].CopyTo(unquoted);
        field[0] = (byte)'"';
        var end = 1 + QuoteDoubling.Copy(unquoted, field[1..]);
        field[end] = (byte)'"';
        return end + 1;
    }

    /// <summary>Writes the separator the field needs and returns room for <paramref name="maxBytes"/> of it.</summary>
    private Span<byte> StartField(int maxBytes)
    {
        Reserve(1 + maxBytes);
        if (_inRecord)
        {
            _buffer[_length++] = (byte)',';
        }
        _inRecord = true;
        return _buffer.AsSpan(_length, maxBytes);
    }

    private void Reserve(int bytes)
    {
        if (_buffer.Length - _length >= bytes)
        {
            return;
        }
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(2 * _buffer.Length, _length + bytes));
        _buffer.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }

    private async ValueTask WriteBufferAsync(CancellationToken cancellationToken)
    {
        if (_length == 0)
        {
            return;
        }
        await output.WriteAsync(_buffer.AsMemory(0, _length), cancellationToken).ConfigureAwait(false);
        _length = 0;
    }
}
