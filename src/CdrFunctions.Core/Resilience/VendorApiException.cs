namespace CdrFunctions.Pipeline.Resilience;

/// <summary>
/// The vendor answered, but not with data: an error status or an error body. The message names the vendor
/// and quotes what it said (credentials removed), so an operator can act on it.
/// </summary>
public class VendorApiException(string vendor, string message, bool retryable, int? statusCode = null, Exception? inner = null)
    : Exception($"{vendor}: {message}", inner)
{
    public string Vendor { get; } = vendor;

    /// <summary>Worth another try (throttling, a proxy's error page); false for bad credentials or parameters.</summary>
    public bool Retryable { get; } = retryable;

    public int? StatusCode { get; } = statusCode;

    /// <summary>A short, single-line excerpt of a response body, with <paramref name="secret"/> masked.</summary>
    public static string Excerpt(string body, string? secret, int max = 300)
    {
        var text = string.IsNullOrEmpty(secret) ? body : body.Replace(secret, "***", StringComparison.Ordinal);
        text = string.Join(' ', text.Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        return text.Length <= max ? text : string.Concat(text.AsSpan(0, max), "…");
    }
}

/// <summary>
/// The vendor answered 429 although we kept to its documented limits; <see cref="RetryAfter"/> is what it
/// asked for. Pulls stop cleanly on it and resume next run, instead of retrying into more 429s.
/// </summary>
public sealed class VendorRateLimitedException(string vendor, string message, TimeSpan retryAfter)
    : VendorApiException(vendor, message, retryable: false, statusCode: 429)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
