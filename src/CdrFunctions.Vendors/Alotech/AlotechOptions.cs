using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using CdrFunctions.Pipeline.Vendors;

namespace CdrFunctions.Vendors.Alotech;

/// <summary>Settings of section <c>Vendors:Alotech</c> (app settings <c>Vendors__Alotech__...</c>).</summary>
// Alotech does not document the zone of its report times; Istanbul is an inference.
public sealed partial class AlotechOptions() : VendorOptions(defaultTimeZone: "Europe/Istanbul", defaultRegion: "TR")
{
    /// <summary>The tenant's sub-domain: <c>https://{Tenant}.alo-tech.com</c>.</summary>
    public string? Tenant { get; set; }

    /// <summary>Overrides the tenant host (a simulator, a proxy). Requests go to <c>{BaseUrl}api/</c>.</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>The application token Alotech issues. A secret: Key Vault in Azure, never logged.</summary>
    public string? AppToken { get; set; }

    public bool IncludeCallHistory { get; set; }
    public bool IncludeCsat { get; set; }
    public bool IncludeCallTags { get; set; }

    /// <summary>
    /// Alotech's documented maximum per request. It does not end paging (a shorter page with a cursor is not the
    /// last one); a page above it is kept whole and logged.
    /// </summary>
    [Range(1, 100)]
    public int PageSize { get; set; } = 100;

    /// <summary>Guards against a cursor that never ends (100 000 calls in one window at 100 a page).</summary>
    [Range(1, 100_000)]
    public int MaxPagesPerWindow { get; set; } = 1000;

    public override bool IsConfigured => !string.IsNullOrWhiteSpace(AppToken) && (BaseUrl is not null || !string.IsNullOrWhiteSpace(Tenant));

    protected override string MissingSettings => "AppToken and Tenant (or BaseUrl)";

    protected override IEnumerable<string?> Secrets => [AppToken];

    public Uri ApiBase() => WithTrailingSlash(BaseUrl ?? new Uri($"https://{Tenant}.alo-tech.com/"));

    protected override IEnumerable<ValidationResult> ValidateVendor()
    {
        if (!string.IsNullOrEmpty(Tenant) && !TenantPattern().IsMatch(Tenant))
        {
            yield return new ValidationResult($"{Section}:Tenant '{Tenant}' must be the sub-domain only (letters, digits, hyphens), e.g. 'acme' for acme.alo-tech.com.", [nameof(Tenant)]);
        }
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TenantPattern();
}
