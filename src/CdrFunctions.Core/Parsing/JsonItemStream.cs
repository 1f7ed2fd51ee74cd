using System.Buffers;
using System.Text.Json;

namespace CdrFunctions.Pipeline.Parsing;

/// <summary>
/// Reads a JSON file forward-only, one top-level value at a time, with a <see cref="Utf8JsonReader"/> over a
/// pooled buffer: the root when it is an object or a scalar, the items one by one when it is an array. Only the
/// current item is held (a page of a landed window, a few hundred KiB), never the file. Each returned span is the
/// item's exact bytes, valid until the next call; a syntax error throws <see cref="JsonException"/> with the line
/// and byte of the file.
/// </summary>
public sealed class JsonItemStream(Stream input) : IDisposable
{
    private const int InitialBuffer = 64 * 1024;

    /// <summary>Largest item <see cref="MapItemAsync"/> waits for before it lets the validating pass find the end.</summary>
    private const int MaxScannedItem = 8 * 1024 * 1024;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
    private int _start;
    private int _end;
    private bool _eof;
    private bool _started;
    private JsonReaderState _state;

    /// <summary>Token type of the root: <see cref="JsonTokenType.StartArray"/> means items follow.</summary>
    public JsonTokenType RootType { get; private set; }

    /// <summary>Reads up to the root's first token; for an array, past its <c>[</c>.</summary>
    public async ValueTask<JsonTokenType> OpenAsync(CancellationToken cancellationToken)
    {
        while (!TryOpen())
        {
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
        return RootType;
    }

    /// <summary>The whole root value (when it is not an array), then checks nothing follows it.</summary>
    public async ValueTask<ReadOnlyMemory<byte>> ReadRootAsync(CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte> root;
        while (!TryReadValue(out root, out _))
        {
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
        // Checking the end may move the buffer: a single response is small, so it is copied out first.
        var copy = root.ToArray();
        await ExpectEndAsync(cancellationToken).ConfigureAwait(false);
        return copy;
    }

    /// <summary>The next item of the root array, or null after its <c>]</c> (and nothing after it).</summary>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadItemAsync(CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte> item;
        bool endOfArray;
        while (!TryReadValue(out item, out endOfArray))
        {
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
        if (!endOfArray)
        {
            return item;
        }
        await ExpectEndAsync(cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <summary>
    /// Maps the next item of the root array with <paramref name="map"/> in the same pass that validates it and
    /// finds its end, where <see cref="ReadItemAsync"/> tokenizes it once to find its end and the caller again to
    /// read it. <paramref name="map"/> gets a reader standing on the item's first token, over a span that holds the
    /// whole item, and must leave it on the item's last token; it may run more than once for an item (its results
    /// are the last run's). False after the array's <c>]</c>. The outcome is <see cref="ReadItemAsync"/>'s: an item
    /// that is not read whole and cleanly this way (a syntax error, a mapper that stops early, an item too large to
    /// wait for) is found by the validating pass instead, and mapped from its bytes, or its error thrown.
    /// </summary>
    public async ValueTask<bool> MapItemAsync(ItemMapper map, CancellationToken cancellationToken)
    {
        while (true)
        {
            switch (TryMapItem(map))
            {
                case MapOutcome.Mapped:
                    return true;
                case MapOutcome.EndOfArray:
                    await ExpectEndAsync(cancellationToken).ConfigureAwait(false);
                    return false;
                case MapOutcome.NeedMore:
                    await FillAsync(cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    if (await ReadItemAsync(cancellationToken).ConfigureAwait(false) is not { } item)
                    {
                        return false;
                    }
                    MapBytes(map, item.Span);
                    return true;
            }
        }
    }

    /// <summary>Maps an item from its own bytes (the validating pass found it).</summary>
    private static void MapBytes(ItemMapper map, ReadOnlySpan<byte> item)
    {
        var reader = new Utf8JsonReader(item);
        reader.Read();
        map(ref reader, item);
    }

    private enum MapOutcome { Mapped, EndOfArray, NeedMore, Validate }

    private MapOutcome TryMapItem(ItemMapper map)
    {
        var span = _buffer.AsSpan(_start, _end - _start);
        var reader = new Utf8JsonReader(span, _eof, _state);
        try
        {
            if (!reader.Read())
            {
                ThrowIfEndedEarly();
                return MapOutcome.NeedMore;
            }
        }
        catch (JsonException)
        {
            return MapOutcome.Validate;
        }
        if (reader.TokenType == JsonTokenType.EndArray && _started)
        {
            Consume(ref reader);
            return MapOutcome.EndOfArray;
        }
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return MapOutcome.Validate;
        }
        var tokenStart = (int)reader.TokenStartIndex;
        if (JsonStructure.Length(span[tokenStart..]) is not { } length)
        {
            return _eof || span.Length > MaxScannedItem ? MapOutcome.Validate : MapOutcome.NeedMore;
        }
        // The item's own reader ends where the item does (so it can skip values: a final block), and goes on from
        // the file's state, so what it validates, and where, is what the file's reader would.
        var itemEnd = tokenStart + length;
        var item = new Utf8JsonReader(span[..itemEnd], isFinalBlock: true, _state);
        var depth = reader.CurrentDepth;
        try
        {
            item.Read();
            map(ref item, span[..itemEnd]);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // A syntax error (or a mapper that met one): the validating pass throws it as ReadItemAsync does.
            return MapOutcome.Validate;
        }
        if (item.BytesConsumed != itemEnd || item.CurrentDepth != depth
            || item.TokenType is not (JsonTokenType.EndObject or JsonTokenType.EndArray))
        {
            return MapOutcome.Validate;
        }
        Consume(ref item);
        return MapOutcome.Mapped;
    }

    private bool TryOpen()
    {
        var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _eof, _state);
        if (!reader.Read())
        {
            ThrowIfEndedEarly();
            return false;
        }
        RootType = reader.TokenType;
        _started = true;
        if (RootType == JsonTokenType.StartArray)
        {
            Consume(ref reader);
        }
        return true;
    }

    /// <summary>Reads one whole value (or the array's end) from the buffer; false when more bytes are needed.</summary>
    private bool TryReadValue(out ReadOnlyMemory<byte> value, out bool endOfArray)
    {
        value = default;
        endOfArray = false;
        var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _eof, _state);
        if (!reader.Read())
        {
            ThrowIfEndedEarly();
            return false;
        }
        if (reader.TokenType == JsonTokenType.EndArray && _started)
        {
            endOfArray = true;
            Consume(ref reader);
            return true;
        }
        var tokenStart = (int)reader.TokenStartIndex;
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip())
        {
            ThrowIfEndedEarly();
            return false;
        }
        value = _buffer.AsMemory(_start + tokenStart, (int)reader.BytesConsumed - tokenStart);
        Consume(ref reader);
        return true;
    }

    private void Consume(ref Utf8JsonReader reader)
    {
        _start += (int)reader.BytesConsumed;
        _state = reader.CurrentState;
    }

    /// <summary>At the end of the file the reader throws for an unfinished value; this covers what it leaves.</summary>
    private void ThrowIfEndedEarly()
    {
        if (_eof)
        {
            throw new JsonException("The JSON ends before its last value is complete.", null, null, null);
        }
    }

    private async ValueTask ExpectEndAsync(CancellationToken cancellationToken)
    {
        while (!_eof)
        {
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
        var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), isFinalBlock: true, _state);
        // Throws for anything but whitespace after the root value.
        reader.Read();
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_eof)
        {
            ThrowIfEndedEarly();
        }
        if (_start > 0 && (_end - _start) < _buffer.Length / 2)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        else if (_end == _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            Buffer.BlockCopy(_buffer, _start, larger, 0, _end - _start);
            ArrayPool<byte>.Shared.Return(_buffer);
            (_buffer, _end, _start) = (larger, _end - _start, 0);
        }
        var read = await input.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        _end += read;
        if (read == 0)
        {
            _eof = true;
        }
        else if (!_started && _start == 0 && _end >= 3 && _buffer.AsSpan(0, 3).SequenceEqual("\uFEFF"u8))
        {
            // A UTF-8 byte order mark is not JSON, but vendors' and users' tools write one.
            _start = 3;
        }
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}

/// <summary>Maps one item: <paramref name="reader"/> stands on its first token; <paramref name="source"/> is the reader's input.</summary>
public delegate void ItemMapper(ref Utf8JsonReader reader, ReadOnlySpan<byte> source);
