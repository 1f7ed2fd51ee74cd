using System.ComponentModel.DataAnnotations;
using CdrFunctions.Pipeline.Vendors;

namespace CdrFunctions.Vendors.DeepCall;

/// <summary>Settings of section <c>Vendors:DeepCall</c> (app settings <c>Vendors__DeepCall__...</c>).</summary>
/// <remarks>The zone is that of <c>clDt</c>/<c>clTm</c>, of push-report times and of the list's date filter (IST).</remarks>
public sealed class DeepCallOptions : VendorOptions
{
    /// <summary>A window already fetches its details 4 at a time (<see cref="EnrichConcurrency"/>): windows one after another by default.</summary>
    public DeepCallOptions()
        : base(defaultTimeZone: "Asia/Kolkata", defaultRegion: "IN") => Pull.WindowConcurrency = 1;

    /// <summary>API host; white-label brands have their own. Paths are appended to it.</summary>
    public Uri Host { get; set; } = new("https://v4-api.deepcall.com");

    /// <summary>Account id sent in every body with <see cref="Token"/> (the long-lived credential DeepCall recommends).</summary>
    public string? UserId { get; set; }

    /// <summary>A secret: Key Vault in Azure, never logged.</summary>
    public string? Token { get; set; }

    /// <summary>A login session id, instead of UserId + Token (DeepCall rejects both together). A secret.</summary>
    public string? Ssid { get; set; }

    public DeepCallListOptions List { get; set; } = new();

    /// <summary>Fetch <c>/api/v2/CallReport/detail</c> for every listed call and keep it beside the list.</summary>
    public bool Enrich { get; set; } = true;

    /// <summary>Detail requests in flight at once, per window.</summary>
    [Range(1, 32)]
    public int EnrichConcurrency { get; set; } = 4;

    /// <summary>
    /// <c>rType</c> of detail requests, sent as a one-element array like the vendor's own sample; empty = not
    /// sent (the "standard" view). <c>dtl</c> is what produced the documented field set (clId, tm, dur, ctcc...).
    /// </summary>
    public string DetailReportType { get; set; } = "dtl";

    public DeepCallWebhookOptions Webhook { get; set; } = new();

    public bool HasTokenCredentials => !string.IsNullOrWhiteSpace(UserId) && !string.IsNullOrWhiteSpace(Token);

    public override bool IsConfigured => HasTokenCredentials || !string.IsNullOrWhiteSpace(Ssid);

    protected override string MissingSettings => "UserId + Token (or Ssid)";

    protected override IEnumerable<string?> Secrets => [Token, Ssid, Webhook.Secret];

    public Uri Url(string path) => new(WithTrailingSlash(Host), path.TrimStart('/'));

    /// <summary><c>{host}/api/v2/recording/directstream/</c> + <c>rcrd</c> with every <c>*</c> turned into <c>/</c>.</summary>
    public string RecordingUrl(string rcrd) => Url("api/v2/recording/directstream/").AbsoluteUri + rcrd.Replace('*', '/');

    protected override IEnumerable<ValidationResult> ValidateVendor()
    {
        if (!Host.IsAbsoluteUri || (Host.Scheme != Uri.UriSchemeHttps && Host.Scheme != Uri.UriSchemeHttp))
        {
            yield return new ValidationResult($"Vendors:DeepCall:Host '{Host}' must be an absolute http(s) URL.", [nameof(Host)]);
        }
        if (!string.IsNullOrWhiteSpace(Ssid) && (!string.IsNullOrWhiteSpace(UserId) || !string.IsNullOrWhiteSpace(Token)))
        {
            yield return new ValidationResult("Vendors:DeepCall: set UserId + Token, or Ssid, not both (DeepCall rejects a body carrying both).", [nameof(Ssid), nameof(UserId), nameof(Token)]);
        }
        if (string.IsNullOrWhiteSpace(UserId) != string.IsNullOrWhiteSpace(Token))
        {
            yield return new ValidationResult("Vendors:DeepCall: UserId and Token go together.", [nameof(UserId), nameof(Token)]);
        }
        foreach (var r in List.Validate())
        {
            yield return r;
        }
        foreach (var r in Webhook.Validate())
        {
            yield return r;
        }
    }
}

/// <summary>
/// The list and count endpoints' request and response field names. DeepCall documents the endpoints but not
/// these names, so every one is a setting: check them against the customer's DeepCall documentation.
/// </summary>
public sealed class DeepCallListOptions
{
    public string Path { get; set; } = "/api/v2/callreport/list/";

    public string CountPath { get; set; } = "/api/v2/callreport/reportCount/";

    /// <summary>Body field of the window start (local time in <c>TimeZone</c>, formatted with <see cref="DateFormat"/>).</summary>
    public string FromField { get; set; } = "startDate";

    /// <summary>Body field of the window end (the normalizer drops calls outside the window, so inclusive or not does not matter).</summary>
    public string ToField { get; set; } = "endDate";

    public string DateFormat { get; set; } = "yyyy-MM-dd HH:mm:ss";

    public string PageField { get; set; } = "page";

    public string PageSizeField { get; set; } = "pageSize";

    /// <summary>Number of the first page (1 or 0).</summary>
    [Range(0, 1)]
    public int FirstPage { get; set; } = 1;

    /// <summary>Calls asked per page; a shorter page is the last one.</summary>
    public int PageSize { get; set; } = 100;

    /// <summary>Guards against a list that never ends.</summary>
    public int MaxPagesPerWindow { get; set; } = 1000;

    /// <summary>Dot path of the calls array in a list response (<c>{"data":[...]}</c> by default).</summary>
    public string ItemsPath { get; set; } = "data";

    /// <summary>Field of a listed call holding its id, used to ask for its detail.</summary>
    public string IdField { get; set; } = "clId";

    /// <summary>Ask the count endpoint for the window and compare with what was landed.</summary>
    public bool CheckCount { get; set; } = true;

    /// <summary>Dot path of the number in a count response (<c>{"data":N}</c> by default).</summary>
    public string CountPathInResponse { get; set; } = "data";

    internal IEnumerable<ValidationResult> Validate()
    {
        string[] names = [Path, CountPath, FromField, ToField, DateFormat, PageField, PageSizeField, ItemsPath, IdField, CountPathInResponse];
        if (names.Any(string.IsNullOrWhiteSpace))
        {
            yield return new ValidationResult("Vendors:DeepCall:List: paths and field names must not be empty.", [nameof(DeepCallOptions.List)]);
        }
        if (PageSize is < 1 or > 10_000 || MaxPagesPerWindow is < 1 or > 100_000)
        {
            yield return new ValidationResult("Vendors:DeepCall:List: PageSize must be 1..10000 and MaxPagesPerWindow 1..100000.", [nameof(DeepCallOptions.List)]);
        }
        if (FirstPage is < 0 or > 1)
        {
            yield return new ValidationResult("Vendors:DeepCall:List:FirstPage must be 0 or 1.", [nameof(DeepCallOptions.List)]);
        }
    }
}

/// <summary>The push-report webhook (<see cref="DeepCallWebhook"/>).</summary>
public sealed class DeepCallWebhookOptions
{
    /// <summary>The secret path segment of the webhook URL given to DeepCall. Unset = the webhook answers 404. Never logged.</summary>
    public string? Secret { get; set; }

    /// <summary>Larger bodies are refused with 400; one report is a few KiB.</summary>
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    internal IEnumerable<ValidationResult> Validate()
    {
        if (Secret is { Length: > 0 and < 16 })
        {
            yield return new ValidationResult("Vendors:DeepCall:Webhook:Secret must be at least 16 characters.", [nameof(Secret)]);
        }
        if (MaxBodyBytes is < 1024 or > 16 * 1024 * 1024)
        {
            yield return new ValidationResult("Vendors:DeepCall:Webhook:MaxBodyBytes must be between 1024 and 16777216.", [nameof(MaxBodyBytes)]);
        }
    }
}
