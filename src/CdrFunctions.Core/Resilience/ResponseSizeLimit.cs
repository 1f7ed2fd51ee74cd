using System.Globalization;
using System.Net;

namespace CdrFunctions.Pipeline.Resilience;

/// <summary>
/// Caps how much of a vendor's response body is read (<c>Vendors:{Vendor}:Http:MaxResponseBytes</c>): a body that
/// says or turns out to be larger fails the request with a <see cref="VendorApiException"/> that is not retried
/// (the same request would bring the same body), so that window fails, is reported, and the next run tries again.
/// The clients read whole bodies into memory; without the cap a runaway answer would take the process down.
/// </summary>
public sealed class ResponseSizeLimitHandler(string vendor, long maxBytes) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.Content.Headers.ContentLength is { } length && length > maxBytes)
        {
            response.Dispose();
            throw ResponseSizeLimit.TooLarge(vendor, maxBytes, length);
        }
        response.Content = new LimitedContent(response.Content, vendor, maxBytes);
        return response;
    }

    private sealed class LimitedContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly string _vendor;
        private readonly long _maxBytes;

        public LimitedContent(HttpContent inner, string vendor, long maxBytes)
        {
            (_inner, _vendor, _maxBytes) = (inner, vendor, maxBytes);
            foreach (var header in inner.Headers)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
            new LimitedStream(await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), _vendor, _maxBytes);

        protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            await using var limited = await CreateContentReadStreamAsync(cancellationToken).ConfigureAwait(false);
            await limited.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }

    /// <summary>A read-only pass-through that fails once more than the cap was read.</summary>
    private sealed class LimitedStream(Stream inner, string vendor, long maxBytes) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int read)
        {
            _read += read;
            if (_read > maxBytes)
            {
                throw ResponseSizeLimit.TooLarge(vendor, maxBytes, null);
            }
            return read;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}

public static class ResponseSizeLimit
{
    public const long DefaultMaxBytes = 64L * 1024 * 1024;

    internal static VendorApiException TooLarge(string vendor, long maxBytes, long? announced) =>
        new(vendor, string.Create(CultureInfo.InvariantCulture,
            $"the response body is larger than the {maxBytes:N0} bytes allowed{(announced is { } a ? $" (Content-Length {a:N0})" : "")}; not read further. raise Vendors:<Vendor>:Http:MaxResponseBytes if such answers are expected, or pull smaller windows"),
            retryable: false);
}
