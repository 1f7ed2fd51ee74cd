namespace CdrFunctions.Simulators.Alotech;

/// <summary>One request the simulator received, with the status it served.</summary>
/// <param name="ReceivedAtUtc">When the request arrived.</param>
/// <param name="Method">HTTP method.</param>
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
