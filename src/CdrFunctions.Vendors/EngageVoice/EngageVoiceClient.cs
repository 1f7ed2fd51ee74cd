using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using CdrFunctions.Pipeline.Resilience;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Pipeline.Vendors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace CdrFunctions.Vendors.EngageVoice;

/// <summary>
/// Typed client of Engage Voice's <c>reportsStreaming</c> (Call Detail Report, CSV) and of the
/// <c>inputControls</c> discovery. One request per window; the CSV body is copied into the raw sink as it
/// arrives. Status faults are retried by the HTTP pipeline, error bodies by the body pipeline before any
/// byte is written; a body that breaks off mid-stream fails the window (nothing is committed) and the next
/// run pulls it again.
/// </summary>
public sealed class EngageVoiceClient
{
    private const string TimestampFormat = "yyyy-MM-dd HH:mm:ss";
    private const int CopyBufferSize = 64 * 1024;
    private readonly HttpClient _http;
    private readonly EngageVoiceAuth _auth;
    private readonly EngageVoiceReportIds _ids;
    private readonly EngageVoiceOptions _options;
    private readonly VendorClock _clock;
    private readonly ResiliencePipeline _bodyRetry;
    private readonly ILogger<EngageVoiceClient> _logger;

    public EngageVoiceClient(HttpClient http, EngageVoiceAuth auth, EngageVoiceReportIds ids, IOptions<EngageVoiceOptions> options, VendorRetries retries, ILogger<EngageVoiceClient> logger)
    {
        _http = http;
        _auth = auth;
        _ids = ids;
        _options = options.Value;
        _clock = VendorClock.ForZone(_options.TimeZone);
        _logger = logger;
        _bodyRetry = VendorResilience.BodyRetryPipeline(EngageVoiceVendor.VendorName, _options.Http, retries, logger);
    }

    /// <summary>Streams the window's Call Detail Report into <paramref name="sink"/>, counting its records.</summary>
    public async Task CopyWindowAsync(TimeWindow window, IRawSink sink, CancellationToken cancellationToken)
    {
        var criteria = await _ids.GetAsync(DiscoverAsync, cancellationToken).ConfigureAwait(false);
        var body = ReportBody(window, criteria);
        var uri = new Uri(_options.ApiRoot(), $"admin/accounts/{Uri.EscapeDataString(_options.AccountId ?? "")}/reportsStreaming");
        using var response = await _bodyRetry.ExecuteAsync(async ct =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, uri)
            {
                Content = new ByteArrayContent(body) { Headers = { { "Content-Type", "application/json;charset=UTF-8" } } },
            };
            var r = await SendAsync(request, ct).ConfigureAwait(false);
            try
            {
                await RejectErrorBodyAsync(r, ct).ConfigureAwait(false);
                return r;
            }
            catch
            {
                r.Dispose();
                throw;
            }
        }, cancellationToken).ConfigureAwait(false);

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var streamScope = stream.ConfigureAwait(false);
        var counter = new CsvRecordCounter();
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(0, CopyBufferSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                counter.Add(buffer.AsSpan(0, read));
                await sink.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            throw new VendorApiException(EngageVoiceVendor.VendorName,
                $"the report of {window} broke off after {counter.Bytes} bytes ({e.Message}); the window is not landed and will be pulled again", retryable: true, inner: e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        sink.AddRecords(counter.Records);
        _logger.LogDebug("Engage Voice {Window}: {Records} records, {Bytes} bytes", window, counter.Records, counter.Bytes);
    }

    /// <summary>
    /// The reportsStreaming body of the seed. <c>endTimestamp</c> is inclusive (the seed's example ends at
    /// 23:59:59), so it is the window's last second; the report's times have whole minutes only.
    /// </summary>
    internal byte[] ReportBody(TimeWindow window, EngageVoiceReportIds.Criteria criteria)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("reportType", "CASPER_REPORT");
            w.WriteString("reportTypeName", "Cloud_Call_Detail_Download");
            w.WriteStartObject("reportCriteria");
            w.WriteStartArray("accountIds");
            w.WriteStringValue(_options.AccountId);
            w.WriteEndArray();
            var profile = _options.GroupBy == EngageVoiceGroupBy.Profile;
            w.WriteString("groupBy", profile ? "PROFILE" : "DESTINATION");
            WriteIds(w, profile ? "cloudProfileGroupIds" : "cloudDestinationGroupIds", criteria.GroupIds);
            WriteIds(w, profile ? "cloudProfileIds" : "cloudDestinationIds", criteria.Ids);
            w.WriteString("startTimestamp", _clock.FormatLocal(window.Start, TimestampFormat));
            w.WriteString("endTimestamp", _clock.FormatLocal(window.End.AddSeconds(-1), TimestampFormat));
            w.WriteString("timezoneName", _options.TimeZone);
            w.WriteString("criteriaType", "CASPER_CRITERIA");
            w.WriteString("reportName", "Cloud_Call_Detail_Download");
            w.WriteString("returnType", "CSV");
            w.WriteStartObject("schedule");
            w.WriteString("repeatOption", "ONCE");
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteIds(Utf8JsonWriter w, string name, IReadOnlyList<long?> ids)
    {
        w.WriteStartArray(name);
        foreach (var id in ids)
        {
            if (id is { } v)
            {
                w.WriteNumberValue(v);
            }
            else
            {
                w.WriteNullValue();
            }
        }
        w.WriteEndArray();
    }

    /// <summary>
    /// <c>inputControls</c> of <c>CLOUD_PROFILE</c> or <c>CLOUD_DESTINATION</c> (read by <see cref="EngageVoiceInputControls"/>).
    /// Any failure is a configuration error, never an empty pull.
    /// </summary>
    internal async Task<EngageVoiceReportIds.Criteria> DiscoverAsync(CancellationToken cancellationToken)
    {
        var product = _options.GroupBy == EngageVoiceGroupBy.Profile ? "CLOUD_PROFILE" : "CLOUD_DESTINATION";
        var settings = _options.GroupBy == EngageVoiceGroupBy.Profile ? "ProfileGroupIds and ProfileIds" : "DestinationGroupIds and DestinationIds";
        var account = Uri.EscapeDataString(_options.AccountId ?? "");
        var uri = new Uri(_options.ApiRoot(),
            $"admin/accounts/{account}/users/{Uri.EscapeDataString(_options.UserId ?? "")}/reports/inputControls?accountIds={account}&products={product}");
        string text;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (VendorApiException e)
        {
            throw ConfigurationError($"inputControls discovery of {product} failed ({e.Message})", settings, e);
        }
        var criteria = EngageVoiceInputControls.Read(text);
        if (criteria is null || criteria.Ids.Count == 0)
        {
            throw ConfigurationError($"inputControls discovery of {product} found no ids in: {VendorApiException.Excerpt(_auth.Mask(text), null)}", settings, null);
        }
        _logger.LogInformation("Engage Voice: discovered {Groups} {Product} groups and {Ids} ids", criteria.GroupIds.Count, product, criteria.Ids.Count);
        return criteria;
    }

    private static VendorApiException ConfigurationError(string what, string settings, Exception? inner) =>
        new(EngageVoiceVendor.VendorName, $"configuration error: {what}; set Vendors:EngageVoice:{settings} instead", retryable: false, inner: inner);

    /// <summary>
    /// Sends (the auth handler adds the credentials and renews them once on a 401). Returns a success response,
    /// or throws with the vendor's message, masked, and a hint for credential errors.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var hint = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                ? _auth.Renewable ? " (check Vendors:EngageVoice:Jwt and the user's Engage access)" : " (check Vendors:EngageVoice:ApiToken)"
                : "";
            throw new VendorApiException(EngageVoiceVendor.VendorName,
                string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode}{hint}: {VendorApiException.Excerpt(_auth.Mask(text), null)}"),
                retryable: false, (int)response.StatusCode);
        }
    }

    /// <summary>A 200 that is JSON or HTML is an error page, not a report: retried before any byte is landed.</summary>
    private async Task RejectErrorBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var media = response.Content.Headers.ContentType?.MediaType ?? "";
        if (media.Contains("json", StringComparison.OrdinalIgnoreCase) || media.Contains("html", StringComparison.OrdinalIgnoreCase))
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new VendorApiException(EngageVoiceVendor.VendorName,
                $"expected a CSV report but got {media}: {VendorApiException.Excerpt(_auth.Mask(text), null)}", retryable: true, (int)response.StatusCode);
        }
    }
}
