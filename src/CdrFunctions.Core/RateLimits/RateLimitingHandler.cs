namespace CdrFunctions.Pipeline.RateLimits;

/// <summary>
/// Takes a permit before each request leaves (retries included, when placed inside the retry handler), keyed
/// by the request so that one HttpClient can serve several limited keys (e.g. one per sub-account). Requests
/// whose key is null pass unlimited.
/// </summary>
public sealed class RateLimitingHandler(
    RateLimiterRegistry registry, RateLimitPolicy policy, Func<HttpRequestMessage, string?> key, TimeSpan maxWait) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (key(request) is { } k)
        {
            await registry.AcquireAsync(k, policy, maxWait, cancellationToken).ConfigureAwait(false);
        }
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
