using System.Text.Json.Nodes;
using CdrFunctions.Simulators.Common;

namespace CdrFunctions.Simulators.Alotech;

/// <summary>The optional arrays (<c>include_call_history</c>, <c>include_csat</c>, <c>include_call_tags</c>) as raw JSON.</summary>
internal sealed record AlotechCallExtras(string CallHistoryJson, string CsatAnswersJson, string CallTagsJson)
{
    public static AlotechCallExtras Create(StableRandom random, AlotechCallShape call, Func<DateTimeOffset, string> localDate) => new(
        History(call, localDate).ToJsonString(AlotechJson.SerializerOptions),
        Csat(random, call, localDate).ToJsonString(AlotechJson.SerializerOptions),
        Tags(random, call).ToJsonString(AlotechJson.SerializerOptions));

    private static JsonArray History(AlotechCallShape call, Func<DateTimeOffset, string> localDate)
    {
        var agent = call.Agent?.Email ?? "";
        var queue = call.Queue?.Name ?? "";
        var history = new JsonArray { Event(localDate(call.CallDate), call.Inbound ? "IVR" : "DIAL", agent: call.Inbound ? "" : agent) };
        if (call.QueueDate is { } queued)
        {
            history.Add(Event(localDate(queued), "ENTERQUEUE", queue: queue));
        }

        if (call.Assigned && !call.Answered && call.QueueDate is { } ringing)
        {
            history.Add(Event(localDate(ringing.AddSeconds(call.WaitDuration / 2)), "RINGNOANSWER", agent, queue));
        }

        if (call.TalkDate is { } talk)
        {
            history.Add(Event(localDate(talk), "CONNECT", agent, queue));
            for (var i = 1; i <= call.Transferred; i++)
            {
                history.Add(Event(localDate(talk.AddSeconds(call.TalkDuration * i / (call.Transferred + 1))), "TRANSFER", agent, queue));
            }
        }

        if (call.Voicemail)
        {
            history.Add(Event(localDate(call.CallDate.AddSeconds((call.HangupDate - call.CallDate).TotalSeconds / 2)), "VOICEMAIL", queue: queue));
        }

        var end = call.Answered ? "HANGUP" : call.Inbound ? "ABANDON" : "NOANSWER";
        history.Add(Event(localDate(call.HangupDate), end, call.Answered ? agent : "", queue));
        return history;
    }

    private static JsonObject Event(string date, string name, string agent = "", string queue = "") => new()
    {
        ["date"] = date,
        ["event"] = name,
        ["agent"] = agent,
        ["queue"] = queue,
    };

    private static JsonArray Csat(StableRandom random, AlotechCallShape call, Func<DateTimeOffset, string> localDate)
    {
        var answers = new JsonArray();
        if (!call.Inbound || !call.Answered || !random.Chance(0.35))
        {
            return answers;
        }

        var answeredAt = localDate(call.HangupDate.AddSeconds(random.Next(10, 45)));
        foreach (var (question, key) in AlotechCatalog.CsatQuestions)
        {
            answers.Add(new JsonObject
            {
                ["questionkey"] = key,
                ["question"] = question,
                ["answer"] = random.Next(1, 6),
                ["date"] = answeredAt,
            });
        }

        return answers;
    }

    private static JsonArray Tags(StableRandom random, AlotechCallShape call)
    {
        var tags = new JsonArray();
        if (!call.Answered)
        {
            return tags;
        }

        var count = random.Next(0, 3);
        var first = random.Next(AlotechCatalog.Tags.Count);
        for (var i = 0; i < count; i++)
        {
            var (tag, key) = AlotechCatalog.Tags[(first + i) % AlotechCatalog.Tags.Count];
            tags.Add(new JsonObject { ["tag"] = tag, ["tagkey"] = key });
        }

        return tags;
    }
}
