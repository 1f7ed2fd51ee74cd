namespace CdrFunctions.Pipeline.Parsing;

/// <summary>The first significant byte of a JSON file, found without consuming the stream.</summary>
public static class JsonFileShape
{
    /// <summary>
    /// Reads ahead until the first byte that is not whitespace or a UTF-8 BOM, and returns it (0 for an
    /// empty file) with a stream that replays everything read so far, so parsing can start at byte 0.
    /// </summary>
    public static async Task<(byte First, Stream Replay)> PeekAsync(Stream input, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        var filled = 0;
        while (true)
        {
            var read = await input.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            var start = filled;
            filled += read;
            for (var i = start; i < filled; i++)
            {
                var b = buffer[i];
                var isBom = i < 3 && (b == 0xEF || b == 0xBB || b == 0xBF);
                if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') && !isBom)
                {
                    return (b, new ReplayStream(buffer.AsMemory(0, filled), input));
                }
            }
            if (read == 0)
            {
                return (0, new ReplayStream(buffer.AsMemory(0, filled), input));
            }
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }
        }
    }

    /// <summary>Serves the peeked bytes first, then the rest of the underlying stream.</summary>
    private sealed class ReplayStream(ReadOnlyMemory<byte> prefix, Stream rest) : Stream
    {
        private ReadOnlyMemory<byte> _prefix = prefix;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (!_prefix.IsEmpty)
            {
                var n = Math.Min(buffer.Length, _prefix.Length);
                _prefix.Span[..n].CopyTo(buffer);
                _prefix = _prefix[n..];
                return n;
            }
            return rest.Read(buffer);
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!_prefix.IsEmpty)
            {
                var n = Math.Min(buffer.Length, _prefix.Length);
                _prefix.Span[..n].CopyTo(buffer.Span);
                _prefix = _prefix[n..];
                return n;
            }
            return await rest.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
