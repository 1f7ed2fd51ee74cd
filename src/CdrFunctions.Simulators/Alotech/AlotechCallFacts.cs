namespace CdrFunctions.Simulators.Alotech;

/// <summary>
/// What really happened on a generated call, before it became vendor JSON: the ground truth that figures
/// computed downstream (KPIs over the curated files) are checked against.
/// </summary>
/// <param name="Queue">The queue the call waited in; null when it never reached one (outbound, or hung up in the IVR).</param>
/// <param name="WaitSeconds">Time in the queue (inbound) or ringing (outbound) before an answer or a hang-up.</param>
/// <param name="TalkSeconds">From answer to hang-up, hold included; 0 when not answered.</param>
public sealed record AlotechCallFacts(
    bool Inbound,
    string? Queue,
    string? AgentId,
    bool Answered,
    bool Voicemail,
    int WaitSeconds,
    int TalkSeconds,
    int HoldSeconds,
    int Transfers);
