using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CdrFunctions.Pipeline.Resilience;

/// <summary>One <see cref="RequestRateLimiter"/> per vendor for the whole process, shared by its clients and runs.</summary>
public sealed class VendorRateLimiters
{
    private readonly ConcurrentDictionary<string, RequestRateLimiter> _limiters = new(StringComparer.OrdinalIgnoreCase);

    public RequestRateLimiter For(string vendor, VendorHttpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return _limiters.GetOrAdd(vendor, name => new RequestRateLimiter(name, RequestRateLimit.ParseList(options.RateLimit)));
    }

    /// <summary>The vendor's limiter once its client has sent a request; null before.</summary>
    public RequestRateLimiter? Find(string vendor) => _limiters.TryGetValue(vendor, out var limiter) ? limiter : null;
}

public static class VendorRateLimitRegistration
{
    /// <summary>
    /// Every attempt of the client's requests (retries too: the vendor counts them) waits for the vendor's
    /// <see cref="VendorHttpOptions.RateLimit"/>. Call after <c>AddVendorResilience</c>, so it runs per attempt.
    /// </summary>
    public static IHttpClientBuilder AddVendorRateLimit(this IHttpClientBuilder builder, string vendor, Func<IServiceProvider, VendorHttpOptions> options)
    {
        builder.Services.TryAddSingleton<VendorRateLimiters>();
        return builder.AddHttpMessageHandler(sp => new RateLimitedHandler(sp.GetRequiredService<VendorRateLimiters>().For(vendor, options(sp))));
    }
}

internal sealed class RateLimitedHandler(RequestRateLimiter limiter) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var permit = await limiter.AcquireAsync(cancellationToken).ConfigureAwait(false);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        limiter.OnResponse(permit, response.StatusCode, RetryAfter(response.Headers.RetryAfter));
        return response;
    }

    private static TimeSpan? RetryAfter(RetryConditionHeaderValue? header) =>
        header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
}
