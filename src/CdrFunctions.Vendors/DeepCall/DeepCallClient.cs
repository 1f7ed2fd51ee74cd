using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using CdrFunctions.Pipeline.Parsing;
using CdrFunctions.Pipeline.Resilience;
using CdrFunctions.Pipeline.Time;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace CdrFunctions.Vendors.DeepCall;

/// <summary>One list page exactly as received, and the ids of the calls on it.</summary>
public sealed record DeepCallPage(byte[] Body, IReadOnlyList<string> CallIds, int RecordCount);

/// <summary>
/// Typed client of DeepCall's call-report API: every request is a <c>POST</c> with a JSON body carrying
/// the credentials, and every answer is checked for the error envelope DeepCall sends inside HTTP 200.
/// Status-level faults (5xx, 429, timeouts) are retried by the HTTP pipeline; error codes 1009/1010 and
/// non-JSON bodies by the body pipeline; the other codes fail at once with their cause.
/// </summary>
public sealed class DeepCallClient
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };
    private readonly HttpClient _http;
    private readonly DeepCallOptions _options;
    private readonly VendorClock _clock;
    private readonly ResiliencePipeline _bodyRetry;
    private readonly ILogger<DeepCallClient> _logger;

    public DeepCallClient(HttpClient http, IOptions<DeepCallOptions> options, VendorRetries retries, ILogger<DeepCallClient> logger)
    {
        _http = http;
        _options = options.Value;
        _clock = VendorClock.ForZone(_options.TimeZone);
        _logger = logger;
        _bodyRetry = VendorResilience.BodyRetryPipeline(DeepCallVendor.VendorName, _options.Http, retries, logger);
    }

    /// <summary>The window's list pages, from the first page until one is empty or short.</summary>
    public async IAsyncEnumerable<DeepCallPage> GetWindowPagesAsync(TimeWindow window, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var list = _options.List;
        for (var n = 0; ; n++)
        {
            if (n >= list.MaxPagesPerWindow)
            {
                throw new VendorApiException(DeepCallVendor.VendorName,
                    $"window {window} did not end after {list.MaxPagesPerWindow} pages; raise Vendors:DeepCall:List:MaxPagesPerWindow or shorten WindowSize", retryable: false);
            }
            var pageNumber = list.FirstPage + n;
            var page = await PostAsync(list.Path, w =>
            {
                WriteWindow(w, window);
                w.WriteNumber(list.PageField, pageNumber);
                w.WriteNumber(list.PageSizeField, list.PageSize);
            }, ReadPage, cancellationToken).ConfigureAwait(false);
            _logger.LogDebug("DeepCall {Window} page {Page}: {Records} records", window, pageNumber, page.RecordCount);
            yield return page;
            if (page.RecordCount < list.PageSize)
            {
                yield break;
            }
        }
    }

    /// <summary>DeepCall's own count of the window's calls, or null when the count endpoint gives no number.</summary>
    public async Task<long?> GetCountAsync(TimeWindow window, CancellationToken cancellationToken) =>
        await PostAsync(_options.List.CountPath, w => WriteWindow(w, window), (_, root) =>
            At(root, _options.List.CountPathInResponse) is { } v && JsonValues(v) is { } n ? n : (long?)null, cancellationToken).ConfigureAwait(false);

    /// <summary>The detail response of one call exactly as received, or null for <c>{"data": []}</c> (unknown call).</summary>
    public Task<byte[]?> GetDetailAsync(string callId, CancellationToken cancellationToken) =>
        PostAsync(DeepCallVendor.DetailPath, w =>
        {
            w.WriteString("clId", callId);
            if (!string.IsNullOrEmpty(_options.DetailReportType))
            {
                w.WriteStartArray("rType");
                w.WriteStringValue(_options.DetailReportType);
                w.WriteEndArray();
            }
        }, (body, root) => SafeJson.TryGet(root, "data", out var d) && d.ValueKind == JsonValueKind.Object ? body : null, cancellationToken);

    private void WriteWindow(Utf8JsonWriter w, TimeWindow window)
    {
        w.WriteString(_options.List.FromField, _clock.FormatLocal(window.Start, _options.List.DateFormat));
        w.WriteString(_options.List.ToField, _clock.FormatLocal(window.End, _options.List.DateFormat));
    }

    private DeepCallPage ReadPage(byte[] body, JsonElement root)
    {
        var items = At(root, _options.List.ItemsPath);
        if (items is not { ValueKind: JsonValueKind.Array } array)
        {
            throw new VendorApiException(DeepCallVendor.VendorName,
                $"the list response has no array at '{_options.List.ItemsPath}' (check Vendors:DeepCall:List:ItemsPath): {Excerpt(body)}", retryable: false);
        }
        var ids = new List<string>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object && SafeJson.TryGet(item, _options.List.IdField, out var id)
                && (id.ValueKind == JsonValueKind.String ? SafeJson.Text(id, out _) : id.ValueKind == JsonValueKind.Number ? id.GetRawText() : null) is { Length: > 0 } text)
            {
                ids.Add(text);
            }
        }
        return new DeepCallPage(body, ids, array.GetArrayLength());
    }

    /// <summary>Follows a dot path (<c>data.list</c>) through objects.</summary>
    internal static JsonElement? At(JsonElement root, string path)
    {
        var current = root;
        foreach (var part in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            if (current.ValueKind != JsonValueKind.Object || !SafeJson.TryGet(current, part, out current))
            {
                return null;
            }
        }
        return current;
    }

    private static long? JsonValues(JsonElement v) =>
        v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n
        : v.ValueKind == JsonValueKind.String && long.TryParse(SafeJson.Text(v, out _), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s
        : null;

    /// <summary>POSTs credentials + fields, checks status and envelope, and reads the body while it is parsed.</summary>
    private async Task<T> PostAsync<T>(string path, Action<Utf8JsonWriter> fields, Func<byte[], JsonElement, T> read, CancellationToken cancellationToken)
    {
        var request = RequestBody(fields);
        var uri = _options.Url(path);
        return await _bodyRetry.ExecuteAsync(async ct =>
        {
            using var content = new ByteArrayContent(request);
            content.Headers.ContentType = Json;
            using var response = await _http.PostAsync(uri, content, ct).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw StatusError(path, response.StatusCode, body);
            }
            using var doc = Parse(path, body);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && SafeJson.TryGet(root, "status", out var status)
                && status.ValueKind == JsonValueKind.String && string.Equals(SafeJson.Text(status, out _), "error", StringComparison.OrdinalIgnoreCase))
            {
                throw Envelope(path, root, body);
            }
            if (root.ValueKind != JsonValueKind.Object || !SafeJson.TryGet(root, "data", out _))
            {
                throw new VendorApiException(DeepCallVendor.VendorName, $"{path}: the response has no 'data': {Excerpt(body)}", retryable: true);
            }
            return read(body, root);
        }, cancellationToken).ConfigureAwait(false);
    }

    private byte[] RequestBody(Action<Utf8JsonWriter> fields)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            if (_options.HasTokenCredentials)
            {
                w.WriteString("userId", _options.UserId);
                w.WriteString("token", _options.Token);
            }
            else
            {
                w.WriteString("ssid", _options.Ssid);
            }
            fields(w);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private JsonDocument Parse(string path, byte[] body)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            // A proxy's or load balancer's page: worth another try.
            throw new VendorApiException(DeepCallVendor.VendorName, $"{path}: the response is not JSON: {Excerpt(body)}", retryable: true);
        }
    }

    private DeepCallApiException Envelope(string path, JsonElement root, byte[] body)
    {
        var code = SafeJson.TryGet(root, "code", out var c) && JsonValues(c) is { } n and <= int.MaxValue ? (int)n : 0;
        var message = SafeJson.TryGet(root, "message", out var m) && m.ValueKind == JsonValueKind.String
            ? VendorApiException.Excerpt(Mask(SafeJson.Text(m, out _)), null)
            : Excerpt(body);
        return DeepCallApiException.FromEnvelope(code, message, path);
    }

    private VendorApiException StatusError(string path, HttpStatusCode status, byte[] body) =>
        new(DeepCallVendor.VendorName, string.Create(CultureInfo.InvariantCulture, $"{path}: HTTP {(int)status}: {Excerpt(body)}"), retryable: false, (int)status);

    private string Excerpt(byte[] body) => VendorApiException.Excerpt(Mask(Encoding.UTF8.GetString(body)), null);

    private string Mask(string text) => _options.Mask(text);
}
