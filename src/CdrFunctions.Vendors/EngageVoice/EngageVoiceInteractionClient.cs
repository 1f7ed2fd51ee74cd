using System.Globalization;
using System.Net;
using System.Text.Json;
using CdrFunctions.Pipeline.RateLimits;
using CdrFunctions.Pipeline.Resilience;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Pipeline.Vendors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CdrFunctions.Vendors.EngageVoice;

/// <summary>
/// Typed client of RingCX <c>interaction-metadata</c>: one POST per sub-account per window (no paging
/// exists), bearer token from the JWT exchange. Every attempt takes a permit of its sub-account's limits
/// first (<see cref="RateLimitingHandler"/> inside the retry loop, shared process-wide), so we do not cause a
/// 429; one that still comes pauses the sub-account for its Retry-After and stops the pull cleanly.
/// The window's responses are landed exactly as sent, in configured sub-account order, one per line.
/// </summary>
public sealed class EngageVoiceInteractionClient(
    HttpClient http, EngageVoiceAuth auth, IOptions<EngageVoiceOptions> options, RateLimiterRegistry limits, TimeProvider time,
    ILogger<EngageVoiceInteractionClient> logger)
{
    public const string HttpClientName = "engagevoice-interactions";
    private const string TimestampFormat = "yyyy-MM-dd HH:mm:ss";
    private static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(60);
    private static readonly byte[] Separator = "\n"u8.ToArray();

    private readonly EngageVoiceOptions _options = options.Value;
    private readonly VendorClock _clock = VendorClock.ForZone(options.Value.TimeZone);

    /// <summary>The limiter key of a sub-account: all callers of the process share it.</summary>
    public static string LimiterKey(string rcAccountId, string subAccountId) => $"engagevoice/{rcAccountId}/sub-accounts/{subAccountId}";

    /// <summary>The limiter key of a request to the integration API (null for anything else).</summary>
    public static string? LimiterKeyOf(HttpRequestMessage request)
    {
        var segments = request.RequestUri?.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
        var accounts = Array.IndexOf(segments, "accounts");
        return accounts >= 0 && accounts + 3 < segments.Length && segments[accounts + 2] == "sub-accounts"
            ? LimiterKey(Uri.UnescapeDataString(segments[accounts + 1]), Uri.UnescapeDataString(segments[accounts + 3]))
            : null;
    }

    public IReadOnlyList<string> SubAccounts => _options.SubAccountIds.Where(id => !string.IsNullOrWhiteSpace(id)).Select(id => id.Trim()).ToList();

    public async Task CopyWindowAsync(TimeWindow window, IRawSink sink, CancellationToken cancellationToken)
    {
        CheckWindow(window);
        var first = true;
        foreach (var subAccount in SubAccounts)
        {
            var body = await PullAsync(window, subAccount, cancellationToken).ConfigureAwait(false);
            var segments = SegmentCount(body, subAccount, window);
            if (!first)
            {
                await sink.WriteAsync(Separator, cancellationToken).ConfigureAwait(false);
            }
            first = false;
            await sink.WriteAsync(body, cancellationToken).ConfigureAwait(false);
            sink.AddRecords(segments);
        }
    }

    /// <summary>The request body: <c>segmentEndTime</c> is, despite its name, the window's start, in <c>timeZone</c>.</summary>
    internal byte[] RequestBody(TimeWindow window) =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["segmentEndTime"] = _clock.FormatLocal(window.Start, TimestampFormat),
            ["timeInterval"] = (int)window.Length.TotalSeconds,
            ["timeZone"] = _options.TimeZone,
        });

    /// <summary>Never a window longer than 3 hours, nor one that has not settled (whatever asked for it: schedule or backfill).</summary>
    private void CheckWindow(TimeWindow window)
    {
        if (window.Length > EngageVoiceOptions.MaxInteractionWindow || window.Length <= TimeSpan.Zero)
        {
            throw new VendorApiException(EngageVoiceVendor.VendorName, $"window {window} is longer than interaction-metadata's 3-hour maximum; use a WindowSize of at most 03:00:00", retryable: false);
        }
        var settled = time.GetUtcNow() - _options.Pull.SettleDelay;
        if (window.End > settled)
        {
            throw new VendorApiException(EngageVoiceVendor.VendorName,
                string.Create(CultureInfo.InvariantCulture, $"window {window} has not settled: interaction-metadata is asked only for windows that ended at least {_options.Pull.SettleDelay:g} ago (SettleDelay); pull it after {window.End + _options.Pull.SettleDelay:u}"),
                retryable: false);
        }
        if (_clock.Zone.IsAmbiguousTime(_clock.ToLocal(window.Start)) || _clock.Zone.IsInvalidTime(_clock.ToLocal(window.Start)))
        {
            logger.LogWarning("Engage Voice: window {Window} starts in a daylight-saving change of {Zone}; RingCX's reading of segmentEndTime there is undocumented", window, _options.TimeZone);
        }
    }

    private async Task<byte[]> PullAsync(TimeWindow window, string subAccount, CancellationToken cancellationToken)
    {
        var rcAccount = _options.RingCentralAccountId ?? "";
        var uri = new Uri(_options.IntegrationRoot(),
            $"accounts/{Uri.EscapeDataString(rcAccount)}/sub-accounts/{Uri.EscapeDataString(subAccount)}/interaction-metadata");
        var body = RequestBody(window);
        // The auth handler adds the credentials and renews them once on a 401.
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new ByteArrayContent(body) { Headers = { { "Content-Type", "application/json" } } },
        };
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return bytes;
        }
        var text = VendorApiException.Excerpt(auth.Mask(System.Text.Encoding.UTF8.GetString(bytes)), null);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            var wait = RetryAfter(response) ?? DefaultRetryAfter;
            limits.Pause(LimiterKey(rcAccount, subAccount), _options.SubAccountPolicy(), wait);
            throw new VendorRateLimitedException(EngageVoiceVendor.VendorName,
                string.Create(CultureInfo.InvariantCulture, $"HTTP 429 for sub-account {subAccount} at {window} although our limits were kept; no request to it for {wait:g}; rate limited, resumes next run"),
                wait);
        }
        var hint = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
            ? " (check Vendors:EngageVoice:Jwt, RingCentralAccountId, SubAccountIds and the user's WEM Access)"
            : "";
        throw new VendorApiException(EngageVoiceVendor.VendorName,
            string.Create(CultureInfo.InvariantCulture, $"interaction-metadata of sub-account {subAccount} for {window}: HTTP {(int)response.StatusCode}{hint}: {text}"),
            retryable: false, (int)response.StatusCode);
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }
        if (header?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }

    /// <summary>A 200 must be an array of segments; anything else (an error object, an HTML page) fails the window before it lands.</summary>
    private int SegmentCount(byte[] body, string subAccount, TimeWindow window)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Array)
            {
                return doc.RootElement.GetArrayLength();
            }
        }
        catch (JsonException)
        {
        }
        throw new VendorApiException(EngageVoiceVendor.VendorName,
            $"interaction-metadata of sub-account {subAccount} for {window} answered 200 without an array of segments: {VendorApiException.Excerpt(auth.Mask(System.Text.Encoding.UTF8.GetString(body)), null)}",
            retryable: true, 200);
    }
}
