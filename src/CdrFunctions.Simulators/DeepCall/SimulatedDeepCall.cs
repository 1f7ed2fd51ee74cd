using System.Globalization;
using System.Text.Json;

namespace CdrFunctions.Simulators.DeepCall;

/// <summary>One generated call: the ground truth, and its JSON in DeepCall's shapes (list item, detail, push report).</summary>
public sealed record SimulatedDeepCall(
    string ClId,
    DateTimeOffset StartUtc,
    string CallType,
    string CustomerNumber,
    bool Answered,
    int QueueSeconds,
    int TalkSeconds,
    int AgentId,
    string? Recording)
{
    private static readonly TimeZoneInfo Ist = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");

    /// <summary>The customer number as E.164 (India).</summary>
    public string CustomerE164 => "+91" + CustomerNumber;

    /// <summary>The DID an inbound call reached.</summary>
    public string? Did => CallType == "IBD" ? "+918045678900" : null;

    public DateTimeOffset? AnswerUtc => Answered ? StartUtc.AddSeconds(QueueSeconds) : null;

    public DateTimeOffset EndUtc => StartUtc.AddSeconds(QueueSeconds + TalkSeconds);

    private static DateTime Local(DateTimeOffset utc) => TimeZoneInfo.ConvertTime(utc, Ist).DateTime;

    private static string Hms(int seconds) => TimeSpan.FromSeconds(seconds).ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);

    /// <summary>What the list endpoint serves for the call (assumed: a subset of the detail's fields).</summary>
    internal void WriteListItem(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("clId", ClId);
        w.WriteString("cNum", CustomerNumber);
        w.WriteString("clTy", CallType);
        w.WriteNumber("st", Answered ? 3 : 2);
        w.WriteNumber("tm", StartUtc.ToUnixTimeMilliseconds());
        WriteLocalStart(w);
        WriteDurations(w);
        w.WriteNumber("mAgt", AgentId);
        w.WriteEndObject();
    }

    /// <summary>The <c>data</c> object of the detail endpoint, shaped like the documented example.</summary>
    internal void WriteDetail(Utf8JsonWriter w, string userId)
    {
        w.WriteStartObject();
        w.WriteString("iExcFlw", "");
        w.WriteBoolean("chIs", false);
        w.WriteString("clId", ClId);
        w.WriteString("cNum", CustomerNumber);
        w.WriteString("cNm", "");
        WriteDurations(w);
        w.WriteNumber("amt", 0);
        w.WriteString("fAtnd", Answered ? "Agent" : "");
        w.WriteString("uid", userId);
        w.WriteString("api", CallType == "CTC"
            ? JsonSerializer.Serialize(new Dictionary<string, string> { ["userId"] = userId, ["callFirst"] = "agent", ["customer"] = CustomerNumber, ["agent_id"] = AgentId.ToString(CultureInfo.InvariantCulture) })
            : "");
        w.WriteString("clTy", CallType);
        w.WriteNumber("st", Answered ? 3 : 2);
        w.WriteNumber("mAgt", AgentId);
        w.WriteNumber("tAgtCnt", Answered ? 1 : 0);
        WriteLocalStart(w);
        w.WriteNumber("tm", StartUtc.ToUnixTimeMilliseconds());
        w.WriteStartArray("ctcc");
        if (Answered)
        {
            w.WriteStartObject();
            w.WriteNumber("agt", AgentId);
            w.WriteString("nd", "agentCall");
            w.WriteString("rgDur", Hms(Math.Min(QueueSeconds, 20)));
            w.WriteString("sTm", Local(AnswerUtc!.Value).ToString("h:mm:ss tt", CultureInfo.InvariantCulture).ToLowerInvariant());
            w.WriteString("dur", Hms(TalkSeconds));
            w.WriteString("clDur", Hms(QueueSeconds + TalkSeconds));
            w.WriteString("rty", "0");
            w.WriteString("rcrd", Recording);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("ctc");
        w.WriteStartObject();
        w.WriteString("num", CustomerNumber);
        w.WriteString("rgDur", Hms(Math.Min(QueueSeconds, 20)));
        w.WriteString("dur", Hms(TalkSeconds));
        w.WriteString("clDur", Hms(QueueSeconds + TalkSeconds));
        w.WriteString("rty", "0");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>The push report DeepCall sends to a webhook for this call (documented field names).</summary>
    public string PushReportJson(string userId)
    {
        const string Format = "yyyy-MM-dd HH:mm:ss";
        var report = new Dictionary<string, object?>
        {
            ["callId"] = ClId,
            ["callStatus"] = Answered ? 3 : 2,
            ["cType"] = CallType,
            ["DID"] = Did,
            ["campId"] = CallType == "IBD" ? 0 : -1,
            ["ivrSTime"] = Local(StartUtc).ToString(Format, CultureInfo.InvariantCulture),
            ["ivrETime"] = Local(EndUtc).ToString(Format, CultureInfo.InvariantCulture),
            ["ivrDuration"] = QueueSeconds + TalkSeconds,
            ["userId"] = userId,
            ["cNumber"] = CustomerE164,
            ["masterAgent"] = AgentId,
            ["firstAttended"] = Answered ? "agent" : null,
            ["firstAnswerTime"] = AnswerUtc is { } a ? Local(a).ToString(Format, CultureInfo.InvariantCulture) : null,
            ["lastHangupTime"] = Answered ? Local(EndUtc).ToString(Format, CultureInfo.InvariantCulture) : null,
        };
        return JsonSerializer.Serialize(report);
    }

    private void WriteLocalStart(Utf8JsonWriter w)
    {
        var local = Local(StartUtc);
        w.WriteString("clDt", local.ToString("dd/MMM/yyyy", CultureInfo.InvariantCulture));
        w.WriteString("clTm", local.ToString("h:mm:ss tt", CultureInfo.InvariantCulture).ToLowerInvariant());
    }

    private void WriteDurations(Utf8JsonWriter w)
    {
        w.WriteStartObject("dur");
        w.WriteString("q", Hms(QueueSeconds));
        w.WriteString("c", "00:00:00");
        w.WriteString("agtOnCl", Hms(TalkSeconds));
        w.WriteEndObject();
    }
}
