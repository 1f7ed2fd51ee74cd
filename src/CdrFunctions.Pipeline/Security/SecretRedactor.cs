using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace CdrFunctions.Pipeline.Security;

/// <summary>
/// Removes secrets from text bound for logs and telemetry: the value of every secret query parameter
/// (<c>app_token=…</c>, <c>code=…</c>, …) wherever a URL appears in the text, and every configured secret value
/// (vendor tokens, the webhook's old path secret, the local API key) wherever it appears at all.
/// </summary>
public sealed class SecretRedactor
{
    public const string Mask = "REDACTED";

    /// <summary>Configuration section: <c>Telemetry:SecretQueryParameters:0..n</c> adds parameter names.</summary>
    public const string Section = "Telemetry";

    /// <summary>Query parameters that carry credentials: vendor tokens (<c>app_token</c>), the Functions key, OAuth and SAS names.</summary>
    public static readonly IReadOnlyList<string> DefaultQueryParameters =
    [
        "app_token", "code", "token", "access_token", "refresh_token", "id_token", "client_secret", "jwt", "ssid",
        "api_key", "apikey", "key", "password", "sig",
        // Storage connection strings (name=value;name=value), should one be quoted in a message.
        "AccountKey", "SharedAccessSignature",
    ];

    /// <summary>Configuration keys whose values are secrets, by their last segment (<c>Vendors:{Vendor}:AppToken</c>).</summary>
    public static readonly IReadOnlySet<string> SecretSettingNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "AppToken", "Token", "ApiToken", "ApiKey", "ClientSecret", "Jwt", "Secret", "Ssid", "Password", "RefreshToken", "AccessToken",
    };

    /// <summary>Shorter values are too likely to occur by chance (a "true", a port) to be replaced everywhere.</summary>
    private const int MinSecretLength = 8;

    private readonly Regex _parameters;
    private readonly string[] _values;

    public SecretRedactor(IEnumerable<string> queryParameters, IEnumerable<string?> secretValues)
    {
        var names = queryParameters.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => Regex.Escape(n.Trim())).Distinct(StringComparer.OrdinalIgnoreCase);
        // name=value after ? & or ; (a query string), the value up to the next separator, quote or space.
        _parameters = new Regex($@"(?<=[?&;](?:{string.Join('|', names)})=)[^&;#\s""'<>]+",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);
        // Longest first, so a secret that contains another is replaced whole.
        _values = secretValues.Where(v => v is { Length: >= MinSecretLength }).Select(v => v!)
            .SelectMany(v => new[] { v, Uri.EscapeDataString(v) }).Distinct(StringComparer.Ordinal)
            .OrderByDescending(v => v.Length).ToArray();
    }

    /// <summary>The default parameter names and those configured; every secret value found in <paramref name="configuration"/>.</summary>
    public static SecretRedactor FromConfiguration(IConfiguration configuration)
    {
        var extra = configuration.GetSection($"{Section}:SecretQueryParameters").GetChildren().Select(c => c.Value ?? "");
        var values = configuration.AsEnumerable()
            .Where(kv => !string.IsNullOrEmpty(kv.Value) && SecretSettingNames.Contains(LastSegment(kv.Key)))
            .Select(kv => kv.Value);
        return new SecretRedactor(DefaultQueryParameters.Concat(extra), values);
    }

    public string Redact(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }
        foreach (var value in _values)
        {
            text = text.Replace(value, Mask, StringComparison.Ordinal);
        }
        return text.Contains('=', StringComparison.Ordinal) ? _parameters.Replace(text, Mask) : text;
    }

    public Uri Redact(Uri uri)
    {
        var original = uri.OriginalString;
        var redacted = Redact(original);
        return ReferenceEquals(original, redacted) || original == redacted ? uri : new Uri(redacted, uri.IsAbsoluteUri ? UriKind.Absolute : UriKind.RelativeOrAbsolute);
    }

    private static string LastSegment(string key) => key[(key.LastIndexOf(':') + 1)..];
}
