using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CdrFunctions.Pipeline.Resilience;

/// <summary>
/// The vendor answered, but not with data: an error status or an error body. The message names the vendor
/// and quotes what it said (credentials removed, digit runs masked), so an operator can act on it.
/// </summary>
public partial class VendorApiException(string vendor, string message, bool retryable, int? statusCode = null, Exception? inner = null)
    : Exception($"{vendor}: {message}", inner)
{
    /// <summary>Enough for "invalid token" or a proxy page's title; vendor bodies may echo call data, so no more.</summary>
    public const int DefaultExcerptLength = 160;

    public string Vendor { get; } = vendor;

    /// <summary>Worth another try (throttling, a proxy's error page); false for bad credentials or parameters.</summary>
    public bool Retryable { get; } = retryable;

    public int? StatusCode { get; } = statusCode;

    /// <summary>
    /// What explains a failure in a vendor's body, on one line: a JSON body's <c>message</c> (or <c>error</c>,
    /// <c>detail</c>, <c>title</c>), an HTML page's title, else the text; <paramref name="secret"/> masked, runs of
    /// five or more digits (phone numbers, ids, with or without separators) masked, cut to <paramref name="max"/>.
    /// </summary>
    public static string Excerpt(string body, string? secret, int max = DefaultExcerptLength)
    {
        var text = string.IsNullOrEmpty(secret) ? body : body.Replace(secret, "***", StringComparison.Ordinal);
        text = Explanation(text);
        text = string.Join(' ', text.Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        text = DigitRun().Replace(text, "###");
        return text.Length <= max ? text : string.Concat(text.AsSpan(0, max), "…");
    }

    private static string Explanation(string text)
    {
        var trimmed = text.AsSpan().TrimStart();
        if (trimmed.StartsWith("{"))
        {
            try
            {
                using var doc = JsonDocument.Parse(text);
                foreach (var name in (string[])["message", "error_description", "error", "detail", "title"])
                {
                    if (doc.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } said)
                    {
                        return said;
                    }
                }
            }
            catch (JsonException)
            {
                // Not JSON after all: quote the text.
            }
        }
        else if (trimmed.StartsWith("<"))
        {
            var title = HtmlTitle().Match(text);
            return WebUtility.HtmlDecode(title.Success ? title.Groups[1].Value : HtmlTag().Replace(text, " "));
        }
        return text;
    }

    [GeneratedRegex(@"\+?\d(?:[ ().\-/]{0,2}\d){4,}", RegexOptions.CultureInvariant)]
    private static partial Regex DigitRun();

    [GeneratedRegex("<title[^>]*>(.*?)</title>", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex HtmlTitle();

    [GeneratedRegex("<[^>]*>", RegexOptions.CultureInvariant)]
    private static partial Regex HtmlTag();
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
