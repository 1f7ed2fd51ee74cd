using System.Globalization;
using CdrFunctions.Simulators.Common;

namespace CdrFunctions.Simulators.EngageVoice;

/// <summary>
/// The Engage Voice simulator for local runs, reached with the RingCentral JWT exchange, which serves both
/// streams: the Call Detail report by default, interaction-metadata with
/// <c>--setting Vendors:EngageVoice:Stream=InteractionMetadata</c>. Its interaction-metadata limits are ten
/// times the documented ones (and ours match them), so a 24-hour demo does not wait; tests use the real ones.
/// </summary>
public sealed class EngageVoiceSimulation(EngageVoiceSimulator simulator) : IVendorSimulation
{
    public string Vendor => "engagevoice";

    public RequestPacer Pacing => simulator.State.Pacing;

    public IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Vendors:EngageVoice:Enabled"] = "true",
        ["Vendors:EngageVoice:BaseUrl"] = simulator.BaseUrl.AbsoluteUri,
        ["Vendors:EngageVoice:AuthMode"] = "RingCentralJwt",
        ["Vendors:EngageVoice:RingCentralServer"] = simulator.BaseUrl.AbsoluteUri,
        ["Vendors:EngageVoice:Jwt"] = simulator.State.Options.Jwt,
        ["Vendors:EngageVoice:ClientId"] = simulator.State.Options.ClientId,
        ["Vendors:EngageVoice:ClientSecret"] = simulator.State.Options.ClientSecret,
        ["Vendors:EngageVoice:AccountId"] = simulator.State.Options.AccountId,
        ["Vendors:EngageVoice:RingCentralAccountId"] = simulator.State.Options.RingCentralAccountId,
        ["Vendors:EngageVoice:SubAccountIds:0"] = simulator.State.Options.SubAccountIds[0],
        ["Vendors:EngageVoice:SubAccountIds:1"] = simulator.State.Options.SubAccountIds[1],
        ["Vendors:EngageVoice:SubAccountRateLimits:0"] = string.Create(CultureInfo.InvariantCulture, $"{simulator.State.Options.SegmentRequestsPerMinute}/00:01:00"),
        ["Vendors:EngageVoice:SubAccountRateLimits:1"] = string.Create(CultureInfo.InvariantCulture, $"{simulator.State.Options.SegmentRequestsPerQuarterHour}/00:15:00"),
        ["Vendors:EngageVoice:GroupBy"] = "PROFILE",
        ["Vendors:EngageVoice:ProfileGroupIds:0"] = "null",
        ["Vendors:EngageVoice:ProfileIds:0"] = "1111",
        ["Vendors:EngageVoice:ProfileIds:1"] = "2222",
        ["Vendors:EngageVoice:TimeZone"] = "US/Eastern",
        ["Vendors:EngageVoice:Http:RetryBaseDelay"] = "00:00:00.200",
        // The simulator allows any rate: a local run need not wait for the real vendor's pace.
        ["Vendors:EngageVoice:Http:RateLimit"] = "50/1s",
    };

    public static async Task<IVendorSimulation> StartAsync(CancellationToken cancellationToken) =>
        new EngageVoiceSimulation(await EngageVoiceSimulator.StartAsync(new EngageVoiceSimulatorOptions { MalformedEvery = 113, SegmentRequestsPerMinute = 30, SegmentRequestsPerQuarterHour = 90 }, cancellationToken).ConfigureAwait(false));

    public int ValidCallsBetween(DateTimeOffset fromUtc, DateTimeOffset toUtc) => simulator.ValidCallsBetween(fromUtc, toUtc).Count;

    public string? SampleCallId(DateTimeOffset fromUtc, DateTimeOffset toUtc) =>
        simulator.ValidCallsBetween(fromUtc, toUtc).LastOrDefault(c => c.CallResult == "CONNECTED")?.Uii;

    public ValueTask DisposeAsync() => simulator.DisposeAsync();
}
