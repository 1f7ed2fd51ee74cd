using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using CdrFunctions.Pipeline.Parsing;
using CdrFunctions.Pipeline.Resilience;
using CdrFunctions.Pipeline.Time;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace CdrFunctions.Vendors.Alotech;

/// <summary>One page of <c>reportsCDRLogs</c>: the body exactly as received, and what paging needs from it.</summary>
public sealed record AlotechPage(byte[] Body, int RecordCount, string? Cursor);

/// <summary>
/// Typed client of Alotech's <c>GET /api/?function=reportsCDRLogs</c>. Times go out in the tenant's zone;
/// pages are followed with <c>cursor</c> until a page is empty or comes without a cursor, whatever its length
/// (100 is the documented maximum, not a promise). A cursor that repeats on a page with records fails the
/// window rather than loop or cut it short. Status-level faults are retried by the HTTP pipeline; error
/// bodies by the body pipeline.
/// </summary>
public sealed class AlotechClient
{
    private const string DateFormat = "yyyy-MM-dd HH:mm:ss";
    private readonly HttpClient _http;
    private readonly AlotechOptions _options;
    private readonly VendorClock _clock;
    private readonly ResiliencePipeline _bodyRetry;
    private readonly ILogger<AlotechClient> _logger;

    public AlotechClient(HttpClient http, IOptions<AlotechOptions> options, VendorRetries retries, ILogger<AlotechClient> logger)
    {
        _http = http;
        _options = options.Value;
        _clock = VendorClock.ForZone(_options.TimeZone);
        _logger = logger;
        _bodyRetry = VendorResilience.BodyRetryPipeline(AlotechVendor.VendorName, _options.Http, retries, logger);
    }

    public async IAsyncEnumerable<AlotechPage> GetWindowPagesAsync(TimeWindow window, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var start = _clock.FormatLocal(window.Start, DateFormat);
        var finish = _clock.FormatLocal(window.End, DateFormat);
        string? cursor = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var pageNumber = 1; ; pageNumber++)
        {
            if (pageNumber > _options.MaxPagesPerWindow)
            {
                throw new VendorApiException(AlotechVendor.VendorName,
                    $"window {window} did not end after {_options.MaxPagesPerWindow} pages; raise Vendors:Alotech:MaxPagesPerWindow or shorten WindowSize", retryable: false);
            }
            var query = new List<KeyValuePair<string, string>>
            {
                new("function", "reportsCDRLogs"),
                new("startdate", start),
                new("finishdate", finish),
                new("sorting", "asc"),
            };
            AddFlag(query, "include_call_history", _options.IncludeCallHistory);
            AddFlag(query, "include_csat", _options.IncludeCsat);
            AddFlag(query, "include_call_tags", _options.IncludeCallTags);
            if (cursor is not null)
            {
                query.Add(new("cursor", cursor));
            }
            var page = await GetPageAsync(query, cancellationToken).ConfigureAwait(false);
            _logger.LogDebug("Alotech {Window} page {Page}: {Records} records", window, pageNumber, page.RecordCount);
            if (page.RecordCount > _options.PageSize)
            {
                _logger.LogWarning("Alotech {Window} page {Page} holds {Records} records, above the documented {PageSize}; all are kept",
                    window, pageNumber, page.RecordCount, _options.PageSize);
            }
            var last = page.RecordCount == 0 || string.IsNullOrEmpty(page.Cursor);
            // A page with records whose cursor was already used would be served again and again: following it
            // loops, stopping there would silently lose the calls after it. The window fails and is retried.
            if (!last && !seen.Add(page.Cursor!))
            {
                throw new VendorApiException(AlotechVendor.VendorName,
                    $"window {window} page {pageNumber}: the vendor repeated a cursor it had already returned on a page of {page.RecordCount} records; paging stopped so as not to loop, and the window was not committed", retryable: false);
            }
            yield return page;
            if (last)
            {
                yield break;
            }
            cursor = page.Cursor;
        }
    }

    /// <summary>One call by its key (<c>callkey</c>), for live lookups.</summary>
    public Task<AlotechPage> GetCallAsync(string callKey, CancellationToken cancellationToken) =>
        GetPageAsync([new("function", "reportsCDRLogs"), new("callkey", callKey)], cancellationToken);

    private static void AddFlag(List<KeyValuePair<string, string>> query, string name, bool on)
    {
        if (on)
        {
            query.Add(new(name, "true"));
        }
    }

    private async Task<AlotechPage> GetPageAsync(List<KeyValuePair<string, string>> query, CancellationToken cancellationToken)
    {
        var uri = BuildUri(query);
        return await _bodyRetry.ExecuteAsync(async ct =>
        {
            using var response = await _http.GetAsync(uri, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw StatusError(response.StatusCode, body);
            }
            return ReadPage(body);
        }, cancellationToken).ConfigureAwait(false);
    }

    private Uri BuildUri(List<KeyValuePair<string, string>> query)
    {
        var sb = new StringBuilder("api/?");
        foreach (var (k, v) in query)
        {
            sb.Append(k).Append('=').Append(Uri.EscapeDataString(v)).Append('&');
        }
        sb.Append("app_token=").Append(Uri.EscapeDataString(_options.AppToken ?? ""));
        return new Uri(_options.ApiBase(), sb.ToString());
    }

    private VendorApiException StatusError(HttpStatusCode status, byte[] body)
    {
        var text = VendorApiException.Excerpt(Encoding.UTF8.GetString(body), _options.AppToken);
        var hint = status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? " (check Vendors:Alotech:AppToken)" : "";
        return new VendorApiException(AlotechVendor.VendorName,
            string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)status}{hint}: {text}"), retryable: false, (int)status);
    }

    /// <summary>A page must be a JSON object with a <c>CallList</c> array; anything else is the vendor saying no.</summary>
    internal AlotechPage ReadPage(byte[] body)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            throw new VendorApiException(AlotechVendor.VendorName,
                $"the response is not JSON: {VendorApiException.Excerpt(Encoding.UTF8.GetString(body), _options.AppToken)}", retryable: true);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("CallList", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                var message = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String
                    ? SafeJson.Text(m, out _)
                    : VendorApiException.Excerpt(Encoding.UTF8.GetString(body), _options.AppToken);
                throw new VendorApiException(AlotechVendor.VendorName,
                    $"the response has no CallList: {VendorApiException.Excerpt(message, _options.AppToken)}", retryable: true);
            }
            var cursor = SafeJson.TryGet(root, "cursor", out var c) && c.ValueKind == JsonValueKind.String ? SafeJson.Text(c, out _) : null;
            return new AlotechPage(body, list.GetArrayLength(), cursor);
        }
    }
}
