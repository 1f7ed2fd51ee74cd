using CdrFunctions.Simulators.Common;

namespace CdrFunctions.Simulators.Alotech;

/// <summary>Failure modes the simulator can inject into API requests.</summary>
public enum AlotechFault
{
    /// <summary>HTTP 429 with a <c>Retry-After</c> header of <see cref="FaultQueue{TFault}.RetryAfterSeconds"/>.</summary>
    TooManyRequests,

    /// <summary>HTTP 500 with a text body.</summary>
    ServerError,

    /// <summary>Waits <see cref="FaultQueue{TFault}.SlowDelay"/>, then answers normally.</summary>
    Slow,

    /// <summary>HTTP 200 with an HTML page instead of JSON (a proxy or maintenance page).</summary>
    NonJson,

    /// <summary>HTTP 200 with a JSON error object that has no <c>CallList</c>.</summary>
    ErrorJson,

    /// <summary>
    /// A listing page with half the page size (at least one record) and a cursor after them: the API documents
    /// 100 as a maximum, not a promise, so the calls after a short page come on the next ones.
    /// </summary>
    ShortPage,

    /// <summary>A listing page served normally but with the cursor it was asked for (a vendor stuck on one page).</summary>
    StuckCursor,
}

/// <summary>One request the simulator received, with the status it served.</summary>
/// <param name="Path">Request path including any path base.</param>
/// <param name="Query">Query parameters; the <c>app_token</c> value is replaced by <c>***</c>; repeated names are joined with commas.</param>
/// <param name="StatusCode">Status served; 499 when the client aborted the request first.</param>
/// <param name="Fault">The injected fault, if any.</param>
public sealed record AlotechRequestLog(
    DateTimeOffset ReceivedAtUtc,
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Query,
    int StatusCode,
    AlotechFault? Fault)
{
    /// <summary>Status recorded when the client went away before the response was written.</summary>
    public const int ClientClosedRequest = 499;

    /// <summary>The value of a query parameter, or null when absent.</summary>
    public string? QueryValue(string name) => Query.TryGetValue(name, out var value) ? value : null;
}
