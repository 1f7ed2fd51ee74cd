using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CdrFunctions.Pipeline.RateLimits;
using CdrFunctions.Pipeline.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CdrFunctions.Vendors.EngageVoice;

/// <summary>The header that authorizes one Engage request.</summary>
public sealed record EngageVoiceAuthHeader(string Name, string Value)
{
    /// <summary>Sets the header, replacing the one a rejected attempt carried.</summary>
    public void ApplyTo(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Remove(Name);
        request.Headers.TryAddWithoutValidation(Name, Value);
    }
}

/// <summary>
/// Engage credentials for every request of the process. Permanent tokens (<c>X-Auth-Token</c>) are used as
/// they are. In RingCentral JWT mode the 5-minute Engage token is cached and renewed single-flight: the
/// exchange endpoint allows 5 requests a minute, so concurrent pulls share one renewal, and every refresh or
/// exchange takes a permit of that limit from the process-wide registry; the refresh token is tried first,
/// the full JWT → RingCentral token → Engage token exchange when there is none or it is refused.
/// </summary>
public sealed class EngageVoiceAuth(
    IHttpClientFactory httpFactory, IOptions<EngageVoiceOptions> options, RateLimiterRegistry limits, TimeProvider time, ILogger<EngageVoiceAuth> logger) : IDisposable
{
    public const string HttpClientName = "engagevoice-auth";
    public const string ExchangeLimiterKey = "engagevoice/token-exchange";
    private const string JwtGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    private readonly EngageVoiceOptions _options = options.Value;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile EngageToken? _current;

    public bool Renewable => _options.AuthMode == EngageVoiceAuthMode.RingCentralJwt;

    public async ValueTask<EngageVoiceAuthHeader> GetAsync(CancellationToken cancellationToken)
    {
        if (!Renewable)
        {
            return new EngageVoiceAuthHeader("X-Auth-Token", _options.ApiToken ?? "");
        }
        var token = _current;
        if (token is not null && time.GetUtcNow() < token.RenewAt)
        {
            return Bearer(token);
        }
        return Bearer(await RenewAsync(token?.Access, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>After a 401 for <paramref name="rejected"/>: a new token, renewed once however many requests were rejected with it.</summary>
    public async ValueTask<EngageVoiceAuthHeader> RenewAfterRejectionAsync(EngageVoiceAuthHeader rejected, CancellationToken cancellationToken)
    {
        var stale = rejected.Value.StartsWith("Bearer ", StringComparison.Ordinal) ? rejected.Value["Bearer ".Length..] : rejected.Value;
        return Bearer(await RenewAsync(stale, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Masks every credential this connector holds, for error messages.</summary>
    public string Mask(string text)
    {
        var token = _current;
        text = _options.Mask(text);
        foreach (var secret in new[] { token?.Access, token?.Refresh })
        {
            if (!string.IsNullOrEmpty(secret))
            {
                text = text.Replace(secret, "***", StringComparison.Ordinal);
            }
        }
        return text;
    }

    public void Dispose() => _gate.Dispose();

    private static EngageVoiceAuthHeader Bearer(EngageToken token) => new("Authorization", "Bearer " + token.Access);

    private async Task<EngageToken> RenewAsync(string? stale, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Whoever held the gate before may have renewed already: use theirs.
            var current = _current;
            if (current is not null && current.Access != stale && time.GetUtcNow() < current.RenewAt)
            {
                return current;
            }
            EngageToken? next = null;
            if (current?.Refresh is { } refresh)
            {
                try
                {
                    next = await RefreshAsync(refresh, cancellationToken).ConfigureAwait(false);
                }
                catch (VendorApiException e) when (e.StatusCode is >= 400 and < 500)
                {
                    logger.LogWarning("Engage Voice refused the refresh token ({Status}); exchanging the RingCentral JWT again", e.StatusCode);
                }
            }
            next ??= await ExchangeAsync(cancellationToken).ConfigureAwait(false);
            _current = next;
            logger.LogInformation("Engage Voice access token renewed; valid until {Expiry:u}", next.ExpiresAt);
            return next;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<EngageToken> ExchangeAsync(CancellationToken cancellationToken)
    {
        await limits.AcquireAsync(ExchangeLimiterKey, _options.TokenExchangePolicy(), _options.RateLimitMaxWait, cancellationToken).ConfigureAwait(false);
        var rcToken = await RingCentralTokenAsync(cancellationToken).ConfigureAwait(false);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_options.Root(), "api/auth/login/rc/accesstoken?includeRefresh=true"))
        {
            Content = new FormUrlEncodedContent([new("rcAccessToken", rcToken), new("rcTokenType", "Bearer")]),
        };
        using var doc = await SendAsync(request, "the RingCentral → Engage token exchange", cancellationToken).ConfigureAwait(false);
        return ReadEngageToken(doc.RootElement);
    }

    private async Task<EngageToken> RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        await limits.AcquireAsync(ExchangeLimiterKey, _options.TokenExchangePolicy(), _options.RateLimitMaxWait, cancellationToken).ConfigureAwait(false);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_options.Root(), "api/auth/token/refresh"))
        {
            Content = new FormUrlEncodedContent([new("refresh_token", refreshToken)]),
        };
        using var doc = await SendAsync(request, "the Engage token refresh", cancellationToken).ConfigureAwait(false);
        return ReadEngageToken(doc.RootElement);
    }

    private async Task<string> RingCentralTokenAsync(CancellationToken cancellationToken)
    {
        var root = _options.RingCentralServer.AbsoluteUri.TrimEnd('/') + "/";
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(root), "restapi/oauth/token"))
        {
            Content = new FormUrlEncodedContent([new("grant_type", JwtGrant), new("assertion", _options.Jwt ?? "")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_options.ClientId}:{_options.ClientSecret}")));
        using var doc = await SendAsync(request, "the RingCentral JWT grant", cancellationToken).ConfigureAwait(false);
        return doc.RootElement.TryGetProperty("access_token", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() is { Length: > 0 } s
            ? s
            : throw new VendorApiException(EngageVoiceVendor.VendorName, "the RingCentral token response has no access_token", retryable: false);
    }

    private async Task<JsonDocument> SendAsync(HttpRequestMessage request, string step, CancellationToken cancellationToken)
    {
        var http = httpFactory.CreateClient(HttpClientName);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var hint = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.BadRequest
                ? " (check Vendors:EngageVoice:Jwt, ClientId and ClientSecret)"
                : "";
            throw new VendorApiException(EngageVoiceVendor.VendorName,
                string.Create(CultureInfo.InvariantCulture, $"{step} failed with HTTP {(int)response.StatusCode}{hint}: {VendorApiException.Excerpt(Mask(body), null)}"),
                retryable: false, (int)response.StatusCode);
        }
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            throw new VendorApiException(EngageVoiceVendor.VendorName, $"{step} did not answer JSON: {VendorApiException.Excerpt(Mask(body), null)}", retryable: false);
        }
    }

    private EngageToken ReadEngageToken(JsonElement root)
    {
        var access = root.TryGetProperty("accessToken", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
        if (string.IsNullOrEmpty(access))
        {
            throw new VendorApiException(EngageVoiceVendor.VendorName, "the Engage token response has no accessToken", retryable: false);
        }
        var refresh = root.TryGetProperty("refreshToken", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        // Lifetime, not absolute expiry: our clock and Engage's may differ, and the token is renewed early anyway.
        var lifetime = JwtLifetime(access) is { } l && l < _options.AccessTokenLifetime ? l : _options.AccessTokenLifetime;
        var expires = time.GetUtcNow() + lifetime;
        var renewBefore = TimeSpan.FromTicks(Math.Min(_options.TokenRenewBefore.Ticks, lifetime.Ticks / 2));
        return new EngageToken(access, refresh, expires, expires - renewBefore);
    }

    /// <summary><c>exp − iat</c> of a JWT, read without validating it (the server validates); null when either is absent.</summary>
    internal static TimeSpan? JwtLifetime(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }
        try
        {
            using var doc = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            var root = doc.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var expires)
                && root.TryGetProperty("iat", out var iat) && iat.TryGetInt64(out var issued)
                && expires > issued
                ? TimeSpan.FromSeconds(expires - issued)
                : null;
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private sealed record EngageToken(string Access, string? Refresh, DateTimeOffset ExpiresAt, DateTimeOffset RenewAt);
}
