using System.Globalization;
using System.Text;
using CdrFunctions.Simulators.Common;

namespace CdrFunctions.Simulators.EngageVoice;

/// <summary>
/// Deterministic calls per UTC hour from a seed, shaped like the seed document's example rows, and their
/// rendering as Call Detail Report CSV lines in any report zone.
/// </summary>
internal sealed class EngageVoiceCallGenerator(EngageVoiceSimulatorOptions options)
{
    public static readonly string Header = string.Join(',',
        "cloud_profile_id", "profile_name", "uii", "ani", "dnis", "outbound_externid", "media_isci", "media_network",
        "media_market", "media_code", "media_format", "media_version", "media_length", "enqueue_time", "dequeue_time",
        "queue_time", "call_state", "is_cellular", "dequeue_attempts", "call_result", "inbound_duration", "recording_url",
        "connected_id", "connected_name", "connected_route", "connected_duration",
        "attempt_1_id", "attempt_1_name", "attempt_1_route", "attempt_1_disp",
        "attempt_2_id", "attempt_2_name", "attempt_2_route", "attempt_2_disp");

    private static readonly (string Id, string Name, string DestinationId, string Route)[] Profiles =
    [
        ("1111", "DTE", "4546", "5854987200"),
        ("2222", "IT TFN", "4467", "5127776541"),
        ("3333", "DTE", "4546", "5854987200"),
    ];

    private static readonly string[] AreaCodes = ["231", "248", "313", "517", "616", "734", "312", "415"];
    private static readonly string[] TollFree = ["888", "877", "866"];
    private static readonly TimeZoneInfo Eastern = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    public static IReadOnlyList<(string Id, string Name)> ProfileCatalog => Profiles.Select(p => (p.Id, p.Name)).ToArray();

    public IReadOnlyList<SimulatedEngageVoiceCall> CallsOfHour(DateTimeOffset hourUtc)
    {
        var calls = new List<SimulatedEngageVoiceCall>();
        var rate = Math.Clamp(options.CallsPerHour, 0, 6000) / 60.0;
        var hourMinute = hourUtc.ToUnixTimeSeconds() / 60;
        for (var m = 0; m < 60; m++)
        {
            var minute = hourMinute + m;
            var random = new StableRandom(StableHash.Of(options.Seed, minute));
            var count = (int)rate + (random.Chance(rate - (int)rate) ? 1 : 0);
            if (m == 0 && rate > 0)
            {
                count = Math.Max(count, 1);
            }
            for (var i = 0; i < count; i++)
            {
                var ordinal = calls.Count + 1;
                calls.Add(Create(DateTimeOffset.FromUnixTimeSeconds(minute * 60), i, random,
                    options.MalformedEvery > 0 && ordinal % options.MalformedEvery == 0));
            }
        }
        return calls;
    }

    public IEnumerable<SimulatedEngageVoiceCall> CallsBetween(DateTimeOffset fromUtc, DateTimeOffset toUtc, bool inclusiveEnd)
    {
        var hour = new DateTimeOffset(fromUtc.UtcDateTime.Date.AddHours(fromUtc.UtcDateTime.Hour), TimeSpan.Zero);
        for (; hour <= toUtc; hour = hour.AddHours(1))
        {
            foreach (var call in CallsOfHour(hour))
            {
                if (call.EnqueueUtc >= fromUtc && (inclusiveEnd ? call.EnqueueUtc <= toUtc : call.EnqueueUtc < toUtc))
                {
                    yield return call;
                }
            }
        }
    }

    private static SimulatedEngageVoiceCall Create(DateTimeOffset enqueueUtc, int index, StableRandom random, bool malformed)
    {
        var profile = random.Pick(Profiles);
        // The uii starts with platform (US/Eastern) time, like the real one; the parser must never read it.
        var eastern = TimeZoneInfo.ConvertTime(enqueueUtc, Eastern).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var uii = string.Create(CultureInfo.InvariantCulture, $"{eastern}{index:D2}{random.Digits(14)}");
        var connected = random.Chance(0.85);
        var queue = random.Next(1, 40);
        var talk = connected ? random.Next(5, 900) : 0;
        return new SimulatedEngageVoiceCall(
            uii, enqueueUtc, queue, queue + talk, talk, connected ? "CONNECTED" : "ABANDON",
            profile.Id, profile.Name,
            random.Pick(AreaCodes) + random.Next(2, 10).ToString(CultureInfo.InvariantCulture) + random.Digits(6),
            random.Pick(TollFree) + random.Next(2, 10).ToString(CultureInfo.InvariantCulture) + random.Digits(6),
            malformed);
    }

    /// <summary>One CSV line in the seed's shape, times as <c>M/d/yy h:mm tt</c> in <paramref name="zone"/>.</summary>
    public static string Render(SimulatedEngageVoiceCall c, TimeZoneInfo zone)
    {
        var profile = Array.Find(Profiles, p => p.Id == c.ProfileId);
        var enqueue = Local(c.EnqueueUtc, zone);
        var dequeue = Local(c.EnqueueUtc.AddSeconds(c.QueueSeconds), zone);
        var connected = c.CallResult == "CONNECTED";
        var sb = new StringBuilder(256);
        sb.Append(c.ProfileId).Append(',').Append(c.ProfileName).Append(",'").Append(c.Malformed ? "" : c.Uii).Append(',')
            .Append(c.Ani).Append(',').Append(c.Dnis).Append(",,,,,,,,0,")
            .Append(enqueue).Append(',').Append(dequeue).Append(',')
            .Append(c.QueueSeconds.ToString(CultureInfo.InvariantCulture)).Append(',')
            .Append((connected ? "COMPLETE" : "ABANDON").PadRight(20)).Append(",No,")
            .Append(connected ? "2" : "1").Append(',').Append(c.CallResult).Append(',')
            .Append(c.InboundSeconds.ToString(CultureInfo.InvariantCulture)).Append(",,");
        if (connected)
        {
            sb.Append(profile.DestinationId).Append(',').Append(c.ProfileName).Append(',').Append(profile.Route).Append(',')
                .Append(c.ConnectedSeconds.ToString(CultureInfo.InvariantCulture)).Append(',');
        }
        else
        {
            sb.Append(",,,,");
        }
        sb.Append(profile.DestinationId).Append(',').Append(c.ProfileName).Append(',').Append(profile.Route).Append(',')
            .Append(connected ? "ANSWER(5)" : "NOANSWER(20)").Append(",,,,");
        return sb.ToString();
    }

    private static string Local(DateTimeOffset utc, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(utc, zone).ToString("M/d/yy h:mm tt", CultureInfo.InvariantCulture);
}
