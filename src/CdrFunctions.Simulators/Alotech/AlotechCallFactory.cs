using System.Globalization;
using System.Text.Json.Nodes;
using CdrFunctions.Simulators.Common;

namespace CdrFunctions.Simulators.Alotech;

/// <summary>Turns a call reference (slot, index, second) into the full record; pure function of the seed.</summary>
internal sealed class AlotechCallFactory(long seed, AlotechTenantClock clock)
{
    /// <summary>Suffix of <see cref="AlotechCallQuirk.UnusualKey"/> keys: slash, hash and a control character.</summary>
    public const string UnusualKeySuffix = "ab/c#\u0001";

    public SimulatedAlotechCall Create(CallRef reference, AlotechCallQuirk quirk)
    {
        var baseKey = AlotechKeys.Format(seed, reference.Slot, reference.Index);
        var key = quirk == AlotechCallQuirk.UnusualKey ? baseKey + UnusualKeySuffix : baseKey;
        var random = new StableRandom(StableHash.Of(seed, reference.Slot, reference.Index, Salts.Fields));
        var call = AlotechCallShape.Draw(random, DateTimeOffset.FromUnixTimeSeconds(reference.UnixSeconds));
        var json = ToJson(key, call);
        ApplyQuirk(json, quirk);
        var extras = AlotechCallExtras.Create(
            new StableRandom(StableHash.Of(seed, reference.Slot, reference.Index, Salts.Extras)), call, LocalText);
        return new SimulatedAlotechCall(
            reference,
            key,
            call.CallId,
            clock.ToLocal(call.CallDate),
            call.Inbound,
            call.Answered,
            call.Duration,
            quirk,
            json.ToJsonString(AlotechJson.SerializerOptions),
            extras,
            new AlotechCallFacts(call.Inbound, call.Queue?.Name, call.Agent?.Id, call.Answered, call.Voicemail,
                call.WaitDuration, call.TalkDuration, call.HoldDuration, call.Transferred));
    }

    private string LocalText(DateTimeOffset utc) => AlotechJson.FormatDate(clock.ToLocal(utc));

    /// <summary>Properties in the order the vendor documents them.</summary>
    private JsonObject ToJson(string key, AlotechCallShape call) => new()
    {
        ["key"] = key,
        ["callid"] = call.CallId,
        ["queued"] = call.Queued,
        ["answered"] = call.Answered,
        ["assigned"] = call.Assigned,
        ["abandon"] = call.Abandon,
        ["queuedate"] = OptionalDate(call.QueueDate, call.NullForMissingDates),
        ["calldate"] = LocalText(call.CallDate),
        ["talkdate"] = OptionalDate(call.TalkDate, call.NullForMissingDates),
        ["hangupdate"] = LocalText(call.HangupDate),
        ["waitduration"] = call.WaitDuration,
        ["duration"] = call.Duration,
        ["sl"] = call.ServiceLevelMet,
        ["shortcall"] = call.ShortCall,
        ["callerid"] = call.CallerId,
        ["called_num"] = call.CalledNumber,
        ["queue"] = call.Queue?.Name ?? "",
        ["inbound"] = call.Inbound,
        ["agent"] = call.Agent?.Email ?? "",
        ["agentid"] = call.Agent?.Id ?? "",
        ["hold"] = call.Hold,
        ["holdduration"] = call.HoldDuration,
        ["queuekey"] = call.Queue?.Key ?? "",
        ["voicemail"] = call.Voicemail,
        ["uniqueid"] = call.UniqueId,
        ["recordingurl"] = call.Answered ? RecordingUrl(key, call.CallDate) : "",
        ["localrelease"] = call.LocalRelease,
        ["answeredby"] = call.AnsweredBy,
        ["transferred"] = call.Transferred,
        ["channel"] = call.Channel,
    };

    private JsonNode? OptionalDate(DateTimeOffset? utc, bool nullWhenMissing) =>
        utc is { } value ? LocalText(value) : nullWhenMissing ? null : "";

    private string RecordingUrl(string key, DateTimeOffset callDate)
    {
        var day = clock.ToLocal(callDate);
        return string.Create(CultureInfo.InvariantCulture, $"https://recordings.sim.alo-tech.com/{day.Year:D4}/{day.Month:D2}/{day.Day:D2}/{Uri.EscapeDataString(key)}.mp3");
    }

    private static void ApplyQuirk(JsonObject json, AlotechCallQuirk quirk)
    {
        switch (quirk)
        {
            case AlotechCallQuirk.MissingKey:
                json.Remove("key");
                break;
            case AlotechCallQuirk.InvalidCallDate:
                json["calldate"] = "not-a-date";
                break;
            case AlotechCallQuirk.WrongTypeAnswered:
                json["answered"] = new JsonObject { ["x"] = 1 };
                break;
        }
    }
}
