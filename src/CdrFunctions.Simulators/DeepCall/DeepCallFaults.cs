using CdrFunctions.Simulators.Common;

namespace CdrFunctions.Simulators.DeepCall;

/// <summary>Failure modes the simulator can inject into API requests.</summary>
public enum DeepCallFault
{
    /// <summary>HTTP 200 with <c>{"status":"error","message":"Something went wrong","code":1009}</c>.</summary>
    Error1009,

    /// <summary>HTTP 200 with <c>{"status":"error","message":"Error in DB connect","code":1010}</c>.</summary>
    Error1010,

    /// <summary>HTTP 500 with a text body.</summary>
    ServerError,

    /// <summary>HTTP 429 with <c>Retry-After</c>.</summary>
    TooManyRequests,

    /// <summary>Waits <see cref="FaultQueue{TFault}.SlowDelay"/>, then answers normally.</summary>
    Slow,
}

/// <summary>One API request the simulator received.</summary>
/// <param name="Fields">Top-level body fields as text; <c>token</c> and <c>ssid</c> are <c>***</c>.</param>
/// <param name="ErrorCode">The error envelope's code when one was served.</param>
public sealed record DeepCallRequestLog(string Path, IReadOnlyDictionary<string, string> Fields, int StatusCode, DeepCallFault? Fault, int? ErrorCode)
{
    public string? Field(string name) => Fields.TryGetValue(name, out var v) ? v : null;
}
