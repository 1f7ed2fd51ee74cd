using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using CdrFunctions.Simulators.Common;

namespace CdrFunctions.Simulators.Alotech;

/// <summary>
/// Draws a call's facts from the seed and writes them as the record the vendor documents, in the tenant's local
/// time; the tenant's data has Turkish letters and mixed number formats on purpose.
/// </summary>
internal sealed class AlotechCallFactory(int seed, TimeZoneInfo zone)
{
    /// <summary>Suffix of <see cref="AlotechCallQuirk.UnusualKey"/> keys: slash, hash and a control character.</summary>
    public const string UnusualKeySuffix = "ab/c#\u0001";

    public const string DateFormat = "yyyy-MM-dd HH:mm:ss";

    /// <summary>Relaxed escaping writes Turkish letters as raw UTF-8 (control characters are still escaped).</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private const long FieldsSalt = 0xF1E1D5;
    private const long ExtrasSalt = 0xE47A5;
    private static readonly JsonSerializerOptions SerializerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Queues with App Engine style keys, which is what Alotech ids look like.</summary>
    private static readonly (string Name, string Key)[] Queues =
    [
        ("Müşteri Hizmetleri", "ahRzfmFsb3RlY2gtc2ltLXF1ZXVlMDE"),
        ("Satış", "ahRzfmFsb3RlY2gtc2ltLXF1ZXVlMDI"),
        ("Teknik Destek", "ahRzfmFsb3RlY2gtc2ltLXF1ZXVlMDM"),
        ("İade ve Değişim", "ahRzfmFsb3RlY2gtc2ltLXF1ZXVlMDQ"),
        ("Kurumsal Çözümler", "ahRzfmFsb3RlY2gtc2ltLXF1ZXVlMDU"),
    ];

    private static readonly (string Email, string Id)[] Agents =
    [
        ("ayse.yilmaz@sim-tenant.com.tr", "ahRzfmFsb3RlY2gtc2ltLWFnZW50MDE"),
        ("mehmet.kaya@sim-tenant.com.tr", "ahRzfmFsb3RlY2gtc2ltLWFnZW50MDI"),
        ("zeynep.demir@sim-tenant.com.tr", "ahRzfmFsb3RlY2gtc2ltLWFnZW50MDM"),
        ("şule.öztürk@sim-tenant.com.tr", "ahRzfmFsb3RlY2gtc2ltLWFnZW50MDQ"),
        ("gökhan.çelik@sim-tenant.com.tr", "ahRzfmFsb3RlY2gtc2ltLWFnZW50MDU"),
        ("ibrahim.sahin@sim-tenant.com.tr", "ahRzfmFsb3RlY2gtc2ltLWFnZW50MDY"),
    ];

    /// <summary>Numbers customers dial (inbound called_num) and the tenant shows when calling out.</summary>
    private static readonly string[] TenantNumbers = ["08502221234", "02124440000", "4440123"];
    private static readonly string[] Trunks = ["ttnet", "turkcell", "vodafone"];
    private static readonly string[] MobilePrefixes = ["530", "532", "533", "535", "538", "541", "542", "545", "505", "506", "552", "555"];
    private static readonly string[] AreaCodes = ["212", "216", "312", "232", "224", "242"];
    private static readonly (string Tag, string Key)[] Tags = [("Şikayet", "tag-01"), ("Bilgi Talebi", "tag-02"), ("Satış Fırsatı", "tag-03"), ("İptal", "tag-04"), ("Geri Arama", "tag-05")];
    private static readonly (string Question, string Key)[] CsatQuestions = [("Aldığınız hizmetten memnun kaldınız mı?", "csat-q1"), ("Sorununuz çözüldü mü?", "csat-q2")];

    public static string FormatDate(DateTime local) => local.ToString(DateFormat, CultureInfo.InvariantCulture);

    public SimulatedAlotechCall Create(CallRef reference, string key, AlotechCallQuirk quirk)
    {
        var r = new StableRandom(StableHash.Of(seed, reference.Hour, reference.Index, FieldsSalt));
        var callDate = DateTimeOffset.FromUnixTimeSeconds(reference.UnixSeconds);
        var inbound = r.Chance(0.78);
        var customer = (r.Chance(0.7) ? r.Pick(MobilePrefixes) : r.Pick(AreaCodes)) + r.Digits(7);
        string callerId, calledNumber, uniqueId = "", answeredBy = "";
        (string Name, string Key)? queue = null;
        (string Email, string Id)? agent = null;
        bool answered = false, assigned = false, voicemail = false;
        int wait = 0;
        if (inbound)
        {
            callerId = Number(r, customer, allowAnonymous: true);
            calledNumber = r.Pick(TenantNumbers);
            // 8 % hang up in the IVR before reaching a queue.
            if (r.Chance(0.92))
            {
                queue = r.Pick(Queues);
                answered = r.Chance(0.74);
                wait = !answered ? r.Next(1, 240) : r.Chance(0.8) ? r.Next(3, 21) : r.Next(21, 150);
                voicemail = !answered && r.Chance(0.25);
                assigned = answered || r.Chance(0.4);
                agent = assigned ? r.Pick(Agents) : null;
                answeredBy = answered ? "agent" : voicemail ? "voicemail" : "";
            }
        }
        else
        {
            calledNumber = Number(r, customer, allowAnonymous: false);
            answered = r.Chance(0.65);
            wait = r.Next(4, 36);
            agent = r.Pick(Agents);
            uniqueId = r.Chance(0.5) ? "crm-" + r.Digits(8) : "";
            answeredBy = !answered ? "" : r.NextDouble() switch { < 0.85 => "HUMAN", < 0.95 => "MACHINE", _ => "NOTSURE" };
            callerId = r.Pick(TenantNumbers);
        }

        var hold = answered && r.Chance(0.25) ? r.Next(1, 4) : 0;
        var holdDuration = Enumerable.Range(0, hold).Sum(_ => r.Next(5, 90));
        // Hold time is part of the talk time, so talk must outlast it.
        var talk = answered ? Math.Max(Math.Min(3600, 15 + (int)(-Math.Log(1 - r.NextDouble()) * 180)), holdDuration + r.Next(5, 60)) : 0;
        var ivr = inbound ? r.Next(2, 26) : 0;
        DateTimeOffset? queueDate = queue is null ? null : callDate.AddSeconds(ivr);
        DateTimeOffset? talkDate = answered ? callDate.AddSeconds(ivr + wait) : null;
        var hangup = callDate.AddSeconds(ivr + wait + talk + (voicemail ? r.Next(8, 60) : 0));
        var transfers = !answered ? 0 : r.NextDouble() switch { < 0.85 => 0, < 0.96 => 1, _ => 2 };
        // Dates that don't apply are JSON null on some calls and "" on others; clients must accept both.
        var nullForMissing = r.Chance(0.5);
        var callId = string.Create(CultureInfo.InvariantCulture, $"{r.Hex(32)}@10.{r.Next(256)}.{r.Next(256)}.{r.Next(1, 255)}");
        var local = ToLocal(callDate);
        var json = new JsonObject
        {
            ["key"] = key,
            ["callid"] = callId,
            ["queued"] = queue is not null,
            ["answered"] = answered,
            ["assigned"] = assigned,
            ["abandon"] = inbound && !answered,
            ["queuedate"] = Optional(queueDate, nullForMissing),
            ["calldate"] = FormatDate(local),
            ["talkdate"] = Optional(talkDate, nullForMissing),
            ["hangupdate"] = Text(hangup),
            ["waitduration"] = wait,
            ["duration"] = r.Chance(0.04) ? null : (int)(hangup - callDate).TotalSeconds,
            ["sl"] = inbound && answered && wait <= 20,
            ["shortcall"] = inbound && !answered && queue is not null && wait <= 5,
            ["callerid"] = callerId,
            ["called_num"] = calledNumber,
            ["queue"] = queue?.Name ?? "",
            ["inbound"] = inbound,
            ["agent"] = agent?.Email ?? "",
            ["agentid"] = agent?.Id ?? "",
            ["hold"] = hold,
            ["holdduration"] = holdDuration,
            ["queuekey"] = queue?.Key ?? "",
            ["voicemail"] = voicemail,
            ["uniqueid"] = uniqueId,
            ["recordingurl"] = answered ? string.Create(CultureInfo.InvariantCulture, $"https://recordings.sim.alo-tech.com/{local:yyyy}/{local:MM}/{local:dd}/{Uri.EscapeDataString(key)}.mp3") : "",
            ["localrelease"] = answered ? r.Chance(0.45) : !inbound && r.Chance(0.3),
            ["answeredby"] = answeredBy,
            ["transferred"] = transfers,
            ["channel"] = $"SIP/{r.Pick(Trunks)}-{r.Hex(8)}",
        };
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

        // The optional arrays, in the order of AlotechIncludes.
        var extras = new StableRandom(StableHash.Of(seed, reference.Hour, reference.Index, ExtrasSalt));
        string[] included = [History().ToJsonString(SerializerOptions), Csat().ToJsonString(SerializerOptions), CallTags().ToJsonString(SerializerOptions)];
        return new SimulatedAlotechCall(key, callId, callDate, quirk, json.ToJsonString(SerializerOptions), included,
            new AlotechCallFacts(inbound, queue?.Name, agent?.Id, answered, voicemail, wait, talk, holdDuration, transfers));

        JsonArray History()
        {
            var (by, at) = (agent?.Email ?? "", queue?.Name ?? "");
            var history = new JsonArray { Event(callDate, inbound ? "IVR" : "DIAL", inbound ? "" : by, "") };
            if (queueDate is { } queued)
            {
                history.Add(Event(queued, "ENTERQUEUE", "", at));
                if (assigned && !answered)
                {
                    history.Add(Event(queued.AddSeconds(wait / 2), "RINGNOANSWER", by, at));
                }
            }
            if (talkDate is { } talking)
            {
                history.Add(Event(talking, "CONNECT", by, at));
                for (var i = 1; i <= transfers; i++)
                {
                    history.Add(Event(talking.AddSeconds(talk * i / (transfers + 1)), "TRANSFER", by, at));
                }
            }
            if (voicemail)
            {
                history.Add(Event(callDate.AddSeconds((hangup - callDate).TotalSeconds / 2), "VOICEMAIL", "", at));
            }
            history.Add(Event(hangup, answered ? "HANGUP" : inbound ? "ABANDON" : "NOANSWER", answered ? by : "", at));
            return history;
        }

        JsonArray Csat()
        {
            if (!inbound || !answered || !extras.Chance(0.35))
            {
                return [];
            }
            var answeredAt = Text(hangup.AddSeconds(extras.Next(10, 45)));
            return [.. CsatQuestions.Select(q => new JsonObject { ["questionkey"] = q.Key, ["question"] = q.Question, ["answer"] = extras.Next(1, 6), ["date"] = answeredAt })];
        }

        JsonArray CallTags()
        {
            var (count, first) = answered ? (extras.Next(0, 3), extras.Next(Tags.Length)) : (0, 0);
            return [.. Enumerable.Range(first, count).Select(i => new JsonObject { ["tag"] = Tags[i % Tags.Length].Tag, ["tagkey"] = Tags[i % Tags.Length].Key })];
        }
    }

    /// <summary>Formats like 05321234567, 905321234567, +905321234567, 0212 555 12 34, or anonymous.</summary>
    private static string Number(StableRandom r, string national, bool allowAnonymous) => r.NextDouble() switch
    {
        < 0.03 when allowAnonymous => "anonymous",
        < 0.38 => "0" + national,
        < 0.63 => "90" + national,
        < 0.88 => "+90" + national,
        _ => $"0{national[..3]} {national[3..6]} {national[6..8]} {national[8..]}",
    };

    private JsonObject Event(DateTimeOffset at, string name, string agent, string queue) =>
        new() { ["date"] = Text(at), ["event"] = name, ["agent"] = agent, ["queue"] = queue };

    private JsonNode? Optional(DateTimeOffset? utc, bool nullWhenMissing) => utc is { } value ? Text(value) : nullWhenMissing ? null : "";

    private string Text(DateTimeOffset utc) => FormatDate(ToLocal(utc));

    private DateTime ToLocal(DateTimeOffset utc) => TimeZoneInfo.ConvertTime(utc, zone).DateTime;
}
