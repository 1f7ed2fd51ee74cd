using CdrFunctions.Simulators.Common;

namespace CdrFunctions.Simulators.EngageVoice;

/// <summary>Failure modes injected into <c>reportsStreaming</c> requests.</summary>
public enum EngageVoiceFault
{
    /// <summary>HTTP 429 with <c>Retry-After</c> of <see cref="FaultQueue{TFault}.RetryAfterSeconds"/>.</summary>
    TooManyRequests,

    /// <summary>HTTP 500 with a text body.</summary>
    ServerError,

    /// <summary>Every issued access token expires now; this request gets 401 <c>Jwt is expired</c> (JWT mode only).</summary>
    ExpireToken,

    /// <summary>The CSV is announced in full (Content-Length) but the connection drops halfway through it.</summary>
    TruncatedCsv,
}

/// <summary>Which simulated endpoint a request reached.</summary>
public enum EngageVoiceEndpoint
{
    RingCentralToken,
    Exchange,
    Refresh,
    Report,
    InputControls,
    InteractionMetadata,
}

/// <summary>One request the simulator received; <paramref name="Body"/> is the report request's JSON (no credentials in it).</summary>
public sealed record EngageVoiceRequestLog(DateTimeOffset ReceivedAtUtc, EngageVoiceEndpoint Endpoint, string Path, int StatusCode, EngageVoiceFault? Fault, string? Body);
