using CdrFunctions.Simulators.Common;

namespace CdrFunctions.Simulators.EngageVoice;

/// <summary>Failure modes injected into <c>reportsStreaming</c> requests.</summary>
public enum EngageVoiceFault
{
    /// <summary>HTTP 429 with <c>Retry-After</c> of <see cref="EngageVoiceFaults.RetryAfterSeconds"/>.</summary>
    TooManyRequests,

    /// <summary>HTTP 500 with a text body.</summary>
    ServerError,

    /// <summary>Every issued access token expires now; this request gets 401 <c>Jwt is expired</c> (JWT mode only).</summary>
    ExpireToken,

    /// <summary>The CSV is announced in full (Content-Length) but the connection drops halfway through it.</summary>
    TruncatedCsv,
}

/// <summary>A FIFO queue of faults for the next report or interaction-metadata requests. Thread-safe.</summary>
public sealed class EngageVoiceFaults
{
    private readonly Lock _gate = new();
    private readonly FaultQueue<EngageVoiceFault> _queue = new();
    private int _retryAfterSeconds = 1;

    public int RetryAfterSeconds
    {
        get { lock (_gate) { return _retryAfterSeconds; } }
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            lock (_gate) { _retryAfterSeconds = value; }
        }
    }

    public IReadOnlyList<EngageVoiceFault> Pending => _queue.Pending;

    public void Enqueue(EngageVoiceFault kind, int count = 1) => _queue.Enqueue(kind, count);

    internal EngageVoiceFault? TakeNext() => _queue.TakeNext();
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
