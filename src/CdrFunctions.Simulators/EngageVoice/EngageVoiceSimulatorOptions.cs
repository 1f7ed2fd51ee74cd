using CdrFunctions.Simulators.Common;

namespace CdrFunctions.Simulators.EngageVoice;

/// <summary>Settings of a simulated Engage Voice account (and of the fake RingCentral platform in front of it).</summary>
public sealed class EngageVoiceSimulatorOptions : SimulatorOptions
{
    public string AccountId { get; set; } = "12345678";

    /// <summary>The user whose <c>inputControls</c> are served.</summary>
    public string UserId { get; set; } = "42";

    /// <summary>The permanent token accepted in <c>X-Auth-Token</c>.</summary>
    public string ApiToken { get; set; } = "sim-engage-api-token";

    public string ClientId { get; set; } = "sim-rc-client";

    public string ClientSecret { get; set; } = "sim-rc-secret";

    /// <summary>The RingCentral JWT credential the fake platform accepts as <c>assertion</c>.</summary>
    public string Jwt { get; set; } = "sim.rc.jwt";

    /// <summary>Engage access tokens live this long (5 minutes in production).</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Token exchanges allowed per rolling minute (5 in production); more get 429.</summary>
    public int ExchangesPerMinute { get; set; } = 5;

    public int Seed { get; set; } = 7;

    /// <summary>Average calls per hour; every hour has a call at exactly hh:00 (when above 0).</summary>
    public double CallsPerHour { get; set; } = 60;

    /// <summary>0 = off; otherwise every Nth call of a UTC day is served with an empty <c>uii</c> (quarantined by the parser).</summary>
    public int MalformedEvery { get; set; }

    /// <summary>Whether reports start with the docs' header row (the seed's copy has none).</summary>
    public bool IncludeHeader { get; set; } = true;

    /// <summary>Line ending of the served CSV.</summary>
    public string NewLine { get; set; } = "\r\n";

    /// <summary>interaction-metadata: the RingCentral account id in its URL.</summary>
    public string RingCentralAccountId { get; set; } = "400012345";

    /// <summary>interaction-metadata: the sub-accounts; each call of the ground truth belongs to one of them.</summary>
    public IReadOnlyList<string> SubAccountIds { get; set; } = ["99999999", "88888888"];

    /// <summary>interaction-metadata requests per sub-account allowed per rolling minute and per rolling 15 minutes (3 and 9 in production); more get 429.</summary>
    public int SegmentRequestsPerMinute { get; set; } = 3;

    public int SegmentRequestsPerQuarterHour { get; set; } = 9;

    /// <summary>RingCX asks for windows that ended at least this long ago; a later one is refused with 400.</summary>
    public TimeSpan SegmentQueryMinAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Clock of token expiry and the exchange limit; the system clock by default.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;
}
