using System.Buffers;

namespace CdrFunctions.Pipeline.Parsing;

/// <summary>
/// A whole JSON file in one pooled buffer, for a parser that reads it in place as a document would; a leading
/// UTF-8 BOM is dropped, as <see cref="System.Text.Json.JsonDocument.ParseAsync(Stream, System.Text.Json.JsonDocumentOptions, CancellationToken)"/> drops it.
/// </summary>
public sealed class PooledJsonFile : IDisposable
{
    private byte[] _buffer;
    private readonly int _start;
    private readonly int _length;

    private PooledJsonFile(byte[] buffer, int start, int length) => (_buffer, _start, _length) = (buffer, start, length);

    /// <summary>The file's bytes after any BOM.</summary>
    public ReadOnlyMemory<byte> Json => _buffer.AsMemory(_start, _length - _start);

    public static async Task<PooledJsonFile> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var length = 0;
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
            {
                length += read;
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        var start = buffer.AsSpan(0, length).StartsWith("\uFEFF"u8) ? 3 : 0;
        return new PooledJsonFile(buffer, start, length);
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
