using System.ComponentModel.DataAnnotations;
using System.Globalization;
using CdrFunctions.Pipeline.RateLimits;
using CdrFunctions.Pipeline.Vendors;

namespace CdrFunctions.Vendors.EngageVoice;

/// <summary>How the connector holds Engage Voice credentials (providers.md, three ways).</summary>
public enum EngageVoiceAuthMode
{
    /// <summary>A permanent API token sent as <c>X-Auth-Token</c>; no renewal.</summary>
    ApiToken,

    /// <summary>RingCentral JWT → RingCentral access token → Engage access token (5 minutes) + refresh token.</summary>
    RingCentralJwt,

    /// <summary>Legacy hosts (portal.vacd.biz, portal.virtualacd.biz): <c>X-Auth-Token</c>, API paths without <c>/voice</c>.</summary>
    Legacy,
}

/// <summary>Which Engage Voice API the scheduled pull reads (docs/engagevoice.md says which to choose).</summary>
public enum EngageVoiceStream
{
    /// <summary>The Call Detail report (CSV over <c>reportsStreaming</c>): deprecated by RingCentral, still the default for compatibility.</summary>
    CallDetailReport,

    /// <summary>RingCX <c>interaction-metadata</c> (JSON segments per sub-account): the non-deprecated successor.</summary>
    InteractionMetadata,
}

/// <summary>The report's <c>groupBy</c>: which id arrays select the calls.</summary>
public enum EngageVoiceGroupBy
{
    Profile,
    Destination,
}

/// <summary>Settings of section <c>Vendors:EngageVoice</c> (app settings <c>Vendors__EngageVoice__...</c>).</summary>
/// <remarks>The zone is sent as the report's <c>timezoneName</c>; the report's times are local times in it.</remarks>
public sealed class EngageVoiceOptions : VendorOptions
{
    /// <summary>
    /// RingCX allows a request every 20 s at best: windows one at a time, as concurrency gains nothing under it;
    /// and 3 requests per 60 s and 9 per 15 min per sub-account (429 beyond): the default pace.
    /// </summary>
    public EngageVoiceOptions()
        : base(defaultTimeZone: "US/Eastern", defaultRegion: "US")
    {
        Pull.WindowConcurrency = 1;
        Http.RateLimit = "3/60s,9/15m";
    }

    /// <summary>interaction-metadata's <c>timeInterval</c> maximum (3 hours): one window is one request per sub-account.</summary>
    public static readonly TimeSpan MaxInteractionWindow = TimeSpan.FromSeconds(10800);

    /// <summary>RingCX asks for queries at least 5 minutes before now; data settles about 15 minutes after a call.</summary>
    public static readonly TimeSpan MinInteractionSettle = TimeSpan.FromMinutes(5);

    private static readonly RateLimit[] DefaultSubAccountLimits = [new(3, TimeSpan.FromSeconds(60)), new(9, TimeSpan.FromMinutes(15))];
    private static readonly RateLimit DefaultTokenExchangeLimit = new(5, TimeSpan.FromMinutes(1));

    /// <summary>Call Detail report (default, as before) or RingCX interaction-metadata.</summary>
    public EngageVoiceStream Stream { get; set; } = EngageVoiceStream.CallDetailReport;

    /// <summary>interaction-metadata: the RingCentral account id (<c>rcAccountId</c> in the URL).</summary>
    public string? RingCentralAccountId { get; set; }

    /// <summary>interaction-metadata: the RingCX sub-accounts whose segments are pulled, each for every window.</summary>
    public List<string> SubAccountIds { get; set; } = [];

    /// <summary>interaction-metadata limits per sub-account, as <c>permits/window</c>; empty = the documented 3/00:01:00 and 9/00:15:00.</summary>
    public List<string> SubAccountRateLimits { get; set; } = [];

    /// <summary>The token exchange's limit; empty = the documented 5/00:01:00.</summary>
    public string? TokenExchangeRateLimit { get; set; }

    /// <summary>Longest wait for a permit of our own limits; beyond it the run stops with "rate limited, resumes next run".</summary>
    public TimeSpan RateLimitMaxWait { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Added to every limit window: the server counts arrivals, we count sends.</summary>
    public TimeSpan RateLimitSafetyMargin { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>interaction-metadata: the longest call expected; its segments are looked for this far after the window it started in.</summary>
    public TimeSpan MaxCallDuration { get; set; } = TimeSpan.FromHours(4);

    public bool UsesInteractionMetadata => Stream == EngageVoiceStream.InteractionMetadata;

    public RateLimitPolicy SubAccountPolicy() =>
        new(SubAccountRateLimits.Count == 0 ? DefaultSubAccountLimits : SubAccountRateLimits.Select(RateLimit.Parse).ToArray(), RateLimitSafetyMargin);

    public RateLimitPolicy TokenExchangePolicy() =>
        new([string.IsNullOrWhiteSpace(TokenExchangeRateLimit) ? DefaultTokenExchangeLimit : RateLimit.Parse(TokenExchangeRateLimit)], RateLimitSafetyMargin);

    /// <summary>Root of the RingCX integration API: <c>{base}/voice/api/cx/integration/v1/</c>.</summary>
    public Uri IntegrationRoot() => new(Root(), UsesVoicePrefix ? "voice/api/cx/integration/v1/" : "api/cx/integration/v1/");

    /// <summary>Engage host: ringcx.ringcentral.com (current), engage.ringcentral.com, or a legacy portal host.</summary>
    public Uri BaseUrl { get; set; } = new("https://ringcx.ringcentral.com");

    /// <summary>Whether API paths start with <c>/voice</c>; unset = yes, except in <see cref="EngageVoiceAuthMode.Legacy"/> mode or on a legacy host.</summary>
    public bool? VoicePathPrefix { get; set; }

    public EngageVoiceAuthMode AuthMode { get; set; } = EngageVoiceAuthMode.ApiToken;

    /// <summary>Permanent token for <see cref="EngageVoiceAuthMode.ApiToken"/> and <see cref="EngageVoiceAuthMode.Legacy"/>. A secret.</summary>
    public string? ApiToken { get; set; }

    /// <summary>RingCentral platform that turns the JWT into a RingCentral access token.</summary>
    public Uri RingCentralServer { get; set; } = new("https://platform.ringcentral.com");

    /// <summary>RingCentral app client id and secret (Basic auth of the JWT grant). The secret is a secret.</summary>
    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>The RingCentral JWT credential. A secret.</summary>
    public string? Jwt { get; set; }

    /// <summary>The documented 5 minutes; a token whose <c>exp − iat</c> is shorter is renewed by that instead.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A cached token is renewed this long before it expires, so a request never leaves with a dying token.</summary>
    public TimeSpan TokenRenewBefore { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The Engage account (<c>reportCriteria.accountIds</c>, and the URL).</summary>
    public string? AccountId { get; set; }

    /// <summary>Only for <c>inputControls</c> discovery: the user whose report controls are read.</summary>
    public string? UserId { get; set; }

    public EngageVoiceGroupBy GroupBy { get; set; } = EngageVoiceGroupBy.Profile;

    /// <summary>Integer ids; the word <c>null</c> stands for the null group (the seed: "include all values, including null").</summary>
    public List<string> ProfileGroupIds { get; set; } = [];

    public List<string> ProfileIds { get; set; } = [];

    public List<string> DestinationGroupIds { get; set; } = [];

    public List<string> DestinationIds { get; set; } = [];

    public override bool IsConfigured => UsesInteractionMetadata
        ? !string.IsNullOrWhiteSpace(RingCentralAccountId) && SubAccountIds.Any(id => !string.IsNullOrWhiteSpace(id)) && MissingCredentials() is null
        : !string.IsNullOrWhiteSpace(AccountId) && MissingCredentials() is null;

    protected override string MissingSettings =>
        UsesInteractionMetadata && (string.IsNullOrWhiteSpace(RingCentralAccountId) || !SubAccountIds.Any(id => !string.IsNullOrWhiteSpace(id))) ? "RingCentralAccountId and SubAccountIds"
        : !UsesInteractionMetadata && string.IsNullOrWhiteSpace(AccountId) ? "AccountId"
        : $"the credentials of its AuthMode ({MissingCredentials()})";

    protected override IEnumerable<string?> Secrets => [ApiToken, Jwt, ClientSecret];

    public bool UsesVoicePrefix =>
        VoicePathPrefix ?? !(AuthMode == EngageVoiceAuthMode.Legacy || IsLegacyHost(BaseUrl));

    /// <summary>Root of the admin API: <c>{base}/voice/api/v1/</c>, or <c>{base}/api/v1/</c> on legacy hosts.</summary>
    public Uri ApiRoot() => new(Root(), UsesVoicePrefix ? "voice/api/v1/" : "api/v1/");

    /// <summary>The host root with a trailing slash; the auth endpoints live under <c>{base}/api/auth/</c>, never under <c>/voice</c>.</summary>
    public Uri Root() => WithTrailingSlash(BaseUrl);

    public (IReadOnlyList<string> GroupIds, IReadOnlyList<string> Ids) ConfiguredIds() =>
        GroupBy == EngageVoiceGroupBy.Profile ? (ProfileGroupIds, ProfileIds) : (DestinationGroupIds, DestinationIds);

    /// <summary>A configured id: an integer, or null for the word <c>null</c> (or an empty entry).</summary>
    public static bool TryReadId(string? text, out long? id)
    {
        id = null;
        var t = text?.Trim();
        if (string.IsNullOrEmpty(t) || t.Equals("null", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        if (long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
        {
            id = v;
            return true;
        }
        return false;
    }

    private static bool IsLegacyHost(Uri url) =>
        url.Host.EndsWith("vacd.biz", StringComparison.OrdinalIgnoreCase) || url.Host.EndsWith("virtualacd.biz", StringComparison.OrdinalIgnoreCase);

    private string? MissingCredentials() => AuthMode switch
    {
        EngageVoiceAuthMode.RingCentralJwt when string.IsNullOrWhiteSpace(Jwt) || string.IsNullOrWhiteSpace(ClientId) || string.IsNullOrWhiteSpace(ClientSecret)
            => "RingCentralJwt mode needs Jwt, ClientId and ClientSecret",
        EngageVoiceAuthMode.ApiToken or EngageVoiceAuthMode.Legacy when string.IsNullOrWhiteSpace(ApiToken)
            => $"{AuthMode} mode needs ApiToken",
        _ => null,
    };

    protected override IEnumerable<ValidationResult> ValidateVendor()
    {
        if (!BaseUrl.IsAbsoluteUri || !RingCentralServer.IsAbsoluteUri)
        {
            yield return new ValidationResult("Vendors:EngageVoice:BaseUrl and RingCentralServer must be absolute URLs.", [nameof(BaseUrl)]);
        }
        if (AccessTokenLifetime <= TimeSpan.Zero || TokenRenewBefore < TimeSpan.Zero || TokenRenewBefore >= AccessTokenLifetime)
        {
            yield return new ValidationResult("Vendors:EngageVoice:AccessTokenLifetime must be positive and longer than TokenRenewBefore.", [nameof(TokenRenewBefore)]);
        }
        foreach (var (name, list) in new[] { (nameof(ProfileGroupIds), ProfileGroupIds), (nameof(ProfileIds), ProfileIds), (nameof(DestinationGroupIds), DestinationGroupIds), (nameof(DestinationIds), DestinationIds) })
        {
            foreach (var text in list)
            {
                if (!TryReadId(text, out _))
                {
                    yield return new ValidationResult($"Vendors:EngageVoice:{name} holds '{text}', which is neither an integer nor null.", [name]);
                }
            }
        }
        foreach (var r in ValidateRateLimits())
        {
            yield return r;
        }
        if (UsesInteractionMetadata)
        {
            foreach (var r in ValidateInteractionMetadata())
            {
                yield return r;
            }
        }
        else if (Pull.Enabled)
        {
            if (ConfiguredIds().Ids.Count == 0 && string.IsNullOrWhiteSpace(UserId))
            {
                yield return new ValidationResult($"Vendors:EngageVoice: GroupBy {GroupBy} needs its ids ({(GroupBy == EngageVoiceGroupBy.Profile ? "ProfileGroupIds/ProfileIds" : "DestinationGroupIds/DestinationIds")}) or a UserId to discover them through inputControls.", [nameof(UserId)]);
            }
        }
    }

    private IEnumerable<ValidationResult> ValidateRateLimits()
    {
        foreach (var text in SubAccountRateLimits.Append(TokenExchangeRateLimit).Where(t => !string.IsNullOrWhiteSpace(t)))
        {
            string? error = null;
            try
            {
                RateLimit.Parse(text!);
            }
            catch (FormatException e)
            {
                error = e.Message;
            }
            if (error is not null)
            {
                yield return new ValidationResult($"Vendors:EngageVoice: {error}", [nameof(SubAccountRateLimits)]);
            }
        }
        if (RateLimitMaxWait < TimeSpan.Zero || RateLimitSafetyMargin < TimeSpan.Zero)
        {
            yield return new ValidationResult("Vendors:EngageVoice:RateLimitMaxWait and RateLimitSafetyMargin must not be negative.", [nameof(RateLimitMaxWait)]);
        }
    }

    private IEnumerable<ValidationResult> ValidateInteractionMetadata()
    {
        if (Pull.WindowSize > MaxInteractionWindow)
        {
            yield return new ValidationResult($"Vendors:EngageVoice:WindowSize {Pull.WindowSize} is longer than interaction-metadata's 3-hour timeInterval maximum.", [nameof(Pull.WindowSize)]);
        }
        if (Pull.SettleDelay < MinInteractionSettle)
        {
            yield return new ValidationResult($"Vendors:EngageVoice:SettleDelay {Pull.SettleDelay} is shorter than the 5 minutes RingCX asks for (15 minutes recommended: data settles then).", [nameof(Pull.SettleDelay)]);
        }
        if (MaxCallDuration < TimeSpan.Zero)
        {
            yield return new ValidationResult("Vendors:EngageVoice:MaxCallDuration must not be negative.", [nameof(MaxCallDuration)]);
        }
        if (Pull.Enabled)
        {
            if (string.IsNullOrWhiteSpace(RingCentralAccountId))
            {
                yield return new ValidationResult("Vendors:EngageVoice uses InteractionMetadata but lacks RingCentralAccountId.", [nameof(RingCentralAccountId)]);
            }
            if (!SubAccountIds.Any(id => !string.IsNullOrWhiteSpace(id)))
            {
                yield return new ValidationResult("Vendors:EngageVoice uses InteractionMetadata but lists no SubAccountIds (one or more).", [nameof(SubAccountIds)]);
            }
            if (AuthMode != EngageVoiceAuthMode.RingCentralJwt)
            {
                yield return new ValidationResult("Vendors:EngageVoice uses InteractionMetadata, which takes a bearer token: set AuthMode to RingCentralJwt (with Jwt, ClientId, ClientSecret).", [nameof(AuthMode)]);
            }
            else if (MissingCredentials() is { } missing)
            {
                yield return new ValidationResult($"Vendors:EngageVoice is enabled but {missing}.", [nameof(AuthMode)]);
            }
        }
    }
}
