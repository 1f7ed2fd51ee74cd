namespace CdrFunctions.Simulators.EngageVoice;

/// <summary>A generated call: the ground truth a test compares the pipeline's output with.</summary>
public sealed record SimulatedEngageVoiceCall(
    string Uii,
    DateTimeOffset EnqueueUtc,
    int QueueSeconds,
    int InboundSeconds,
    int ConnectedSeconds,
    string CallResult,
    string ProfileId,
    string ProfileName,
    string Ani,
    string Dnis,
    bool Malformed);
