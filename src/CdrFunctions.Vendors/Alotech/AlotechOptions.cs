using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using CdrFunctions.Pipeline.Phones;
using CdrFunctions.Pipeline.Resilience;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Pipeline.Vendors;

namespace CdrFunctions.Vendors.Alotech;

/// <summary>Settings of section <c>Vendors:Alotech</c> (app settings <c>Vendors__Alotech__...</c>).</summary>
public sealed partial class AlotechOptions : PullSchedule
{
    public const string Section = "Vendors:Alotech";

    /// <summary>The tenant's sub-domain: <c>https://{Tenant}.alo-tech.com</c>.</summary>
    public string? Tenant { get; set; }

    /// <summary>Overrides the tenant host (a simulator, a proxy). Requests go to <c>{BaseUrl}api/</c>.</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>The application token Alotech issues. A secret: Key Vault in Azure, never logged.</summary>
    public string? AppToken { get; set; }

    /// <summary>IANA zone of the tenant's report times (undocumented by Alotech; Istanbul is an inference).</summary>
    public string TimeZone { get; set; } = "Europe/Istanbul";

    /// <summary>ISO region for reading numbers written without a country code.</summary>
    public string DefaultRegion { get; set; } = "TR";

    public bool IncludeCallHistory { get; set; }
    public bool IncludeCsat { get; set; }
    public bool IncludeCallTags { get; set; }

    /// <summary>Alotech's documented maximum per request; a shorter page is the last one.</summary>
    [Range(1, 100)]
    public int PageSize { get; set; } = 100;

    /// <summary>Guards against a cursor that never ends (100 000 calls in one window at 100 a page).</summary>
    [Range(1, 100_000)]
    public int MaxPagesPerWindow { get; set; } = 1000;

    public VendorHttpOptions Http { get; set; } = new();

    public bool IsConfigured => !string.IsNullOrWhiteSpace(AppToken) && (BaseUrl is not null || !string.IsNullOrWhiteSpace(Tenant));

    public Uri ApiBase() => BaseUrl is { } b
        ? new Uri(b.AbsoluteUri.EndsWith('/') ? b.AbsoluteUri : b.AbsoluteUri + "/")
        : new Uri($"https://{Tenant}.alo-tech.com/");

    public override IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var r in base.Validate(validationContext))
        {
            yield return r;
        }
        if (!VendorClock.IsKnownZone(TimeZone))
        {
            yield return new ValidationResult($"Vendors:Alotech:TimeZone '{TimeZone}' is not a known IANA time zone.", [nameof(TimeZone)]);
        }
        if (!PhoneNumberNormalizer.IsKnownRegion(DefaultRegion))
        {
            yield return new ValidationResult($"Vendors:Alotech:DefaultRegion '{DefaultRegion}' is not an ISO region code.", [nameof(DefaultRegion)]);
        }
        if (!string.IsNullOrEmpty(Tenant) && !TenantPattern().IsMatch(Tenant))
        {
            yield return new ValidationResult($"Vendors:Alotech:Tenant '{Tenant}' must be the sub-domain only (letters, digits, hyphens), e.g. 'acme' for acme.alo-tech.com.", [nameof(Tenant)]);
        }
        if (Enabled && !IsConfigured)
        {
            yield return new ValidationResult("Vendors:Alotech is enabled but lacks AppToken and Tenant (or BaseUrl).", [nameof(AppToken), nameof(Tenant)]);
        }
        foreach (var r in Http.Validate(validationContext))
        {
            yield return r;
        }
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TenantPattern();
}
