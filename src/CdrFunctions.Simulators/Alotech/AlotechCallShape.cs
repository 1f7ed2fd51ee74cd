using System.Globalization;
using CdrFunctions.Simulators.Common;

namespace CdrFunctions.Simulators.Alotech;

/// <summary>The facts of one generated call (timeline, outcome, parties) before they become JSON.</summary>
internal sealed record AlotechCallShape
{
    public required bool Inbound { get; init; }
    public required bool Queued { get; init; }
    public required bool Answered { get; init; }
    public required bool Assigned { get; init; }
    public required bool Abandon { get; init; }
    public required bool Voicemail { get; init; }
    public required bool ServiceLevelMet { get; init; }
    public required bool ShortCall { get; init; }
    public required bool LocalRelease { get; init; }
    public required DateTimeOffset CallDate { get; init; }
    public required DateTimeOffset? QueueDate { get; init; }
    public required DateTimeOffset? TalkDate { get; init; }
    public required DateTimeOffset HangupDate { get; init; }
    public required int WaitDuration { get; init; }
    public required int TalkDuration { get; init; }
    public required int? Duration { get; init; }
    public required int Hold { get; init; }
    public required int HoldDuration { get; init; }
    public required int Transferred { get; init; }
    public required (string Name, string Key)? Queue { get; init; }
    public required (string Email, string Id)? Agent { get; init; }
    public required string CallerId { get; init; }
    public required string CalledNumber { get; init; }
    public required string UniqueId { get; init; }
    public required string AnsweredBy { get; init; }
    public required string Channel { get; init; }
    public required string CallId { get; init; }

    /// <summary>Dates that don't apply are JSON null on some calls and "" on others; clients must accept both.</summary>
    public required bool NullForMissingDates { get; init; }

    public static AlotechCallShape Draw(StableRandom random, DateTimeOffset callDate)
    {
        var leg = random.Chance(0.78) ? DrawInbound(random) : DrawOutbound(random);
        var talk = leg.Answered ? Math.Min(3600, 15 + (int)(-Math.Log(1 - random.NextDouble()) * 180)) : 0;
        var hold = leg.Answered && random.Chance(0.25) ? random.Next(1, 4) : 0;
        var holdDuration = 0;
        for (var i = 0; i < hold; i++)
        {
            holdDuration += random.Next(5, 90);
        }

        // Hold time is part of the talk time, so talk must outlast it.
        talk = leg.Answered ? Math.Max(talk, holdDuration + random.Next(5, 60)) : 0;
        var voicemailLength = leg.Voicemail ? random.Next(8, 60) : 0;
        var ivr = leg.Inbound ? random.Next(2, 26) : 0;
        var talkDate = leg.Answered ? callDate.AddSeconds(ivr + leg.Wait) : (DateTimeOffset?)null;
        var hangup = callDate.AddSeconds(ivr + leg.Wait + talk + voicemailLength);
        var total = (int)(hangup - callDate).TotalSeconds;

        return new AlotechCallShape
        {
            Inbound = leg.Inbound,
            Queued = leg.Queue is not null,
            Answered = leg.Answered,
            Assigned = leg.Assigned,
            Abandon = leg.Inbound && !leg.Answered,
            Voicemail = leg.Voicemail,
            ServiceLevelMet = leg.Inbound && leg.Answered && leg.Wait <= 20,
            ShortCall = leg.Inbound && !leg.Answered && leg.Queue is not null && leg.Wait <= 5,
            LocalRelease = leg.Answered ? random.Chance(0.45) : !leg.Inbound && random.Chance(0.3),
            CallDate = callDate,
            QueueDate = leg.Queue is null ? null : callDate.AddSeconds(ivr),
            TalkDate = talkDate,
            HangupDate = hangup,
            WaitDuration = leg.Wait,
            TalkDuration = talk,
            Duration = random.Chance(0.04) ? null : total,
            Hold = hold,
            HoldDuration = holdDuration,
            Transferred = leg.Answered ? DrawTransfers(random) : 0,
            Queue = leg.Queue,
            Agent = leg.Agent,
            CallerId = leg.CallerId,
            CalledNumber = leg.CalledNumber,
            UniqueId = leg.UniqueId,
            AnsweredBy = leg.AnsweredBy,
            Channel = $"SIP/{random.Pick(AlotechCatalog.Trunks)}-{random.Hex(8)}",
            CallId = string.Create(CultureInfo.InvariantCulture, $"{random.Hex(32)}@10.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)}"),
            NullForMissingDates = random.Chance(0.5),
        };
    }

    private static Leg DrawInbound(StableRandom random)
    {
        var customer = AlotechPhoneNumbers.NationalNumber(random);
        var callerId = AlotechPhoneNumbers.Format(random, customer, allowAnonymous: true);
        var calledNumber = random.Pick(AlotechCatalog.TenantNumbers);
        if (!random.Chance(0.92))
        {
            // Hung up in the IVR before reaching a queue.
            return new Leg(true, null, false, false, false, 0, null, callerId, calledNumber, "", "");
        }

        var queue = random.Pick(AlotechCatalog.Queues);
        var answered = random.Chance(0.74);
        var wait = answered
            ? random.Chance(0.8) ? random.Next(3, 21) : random.Next(21, 150)
            : random.Next(1, 240);
        var voicemail = !answered && random.Chance(0.25);
        var assigned = answered || random.Chance(0.4);
        (string, string)? agent = assigned ? random.Pick(AlotechCatalog.Agents) : null;
        var answeredBy = answered ? "agent" : voicemail ? "voicemail" : "";
        return new Leg(true, queue, answered, assigned, voicemail, wait, agent, callerId, calledNumber, "", answeredBy);
    }

    private static Leg DrawOutbound(StableRandom random)
    {
        var customer = AlotechPhoneNumbers.NationalNumber(random);
        var calledNumber = AlotechPhoneNumbers.Format(random, customer, allowAnonymous: false);
        var answered = random.Chance(0.65);
        var wait = random.Next(4, 36);
        var agent = random.Pick(AlotechCatalog.Agents);
        var uniqueId = random.Chance(0.5) ? "crm-" + random.Digits(8) : "";
        var answeredBy = !answered ? "" : random.NextDouble() switch
        {
            < 0.85 => "HUMAN",
            < 0.95 => "MACHINE",
            _ => "NOTSURE",
        };
        var callerId = random.Pick(AlotechCatalog.TenantNumbers);
        return new Leg(false, null, answered, false, false, wait, agent, callerId, calledNumber, uniqueId, answeredBy);
    }

    private static int DrawTransfers(StableRandom random) => random.NextDouble() switch
    {
        < 0.85 => 0,
        < 0.96 => 1,
        _ => 2,
    };

    private sealed record Leg(
        bool Inbound,
        (string Name, string Key)? Queue,
        bool Answered,
        bool Assigned,
        bool Voicemail,
        int Wait,
        (string Email, string Id)? Agent,
        string CallerId,
        string CalledNumber,
        string UniqueId,
        string AnsweredBy);
}
