namespace CdrFunctions.Simulators.Alotech;

/// <summary>Failure modes the simulator can inject into API requests.</summary>
public enum AlotechFault
{
    /// <summary>HTTP 429 with a <c>Retry-After</c> header of <see cref="AlotechFaults.RetryAfterSeconds"/>.</summary>
    TooManyRequests,

    /// <summary>HTTP 500 with a text body.</summary>
    ServerError,

    /// <summary>Waits <see cref="AlotechFaults.SlowDelay"/>, then answers normally.</summary>
    Slow,

    /// <summary>HTTP 200 with an HTML page instead of JSON (a proxy or maintenance page).</summary>
    NonJson,

    /// <summary>HTTP 200 with a JSON error object that has no <c>CallList</c>.</summary>
    ErrorJson,
}
