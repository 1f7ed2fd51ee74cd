namespace CdrFunctions.Pipeline.Api;

/// <summary>
/// The lookup API's routes, relative to the <c>api</c> prefix (host.json <c>extensions.http.routePrefix</c>
/// for Functions, <see cref="Prefix"/> for the local host). The Functions triggers and the local host both
/// use these constants, and a test checks <c>openapi/cdr-api.json</c> against <see cref="All"/>.
/// </summary>
public static class CdrApiRoutes
{
    public const string Prefix = "api";
    public const string Call = "calls/{vendor}/{callId}";
    public const string Calls = "calls";
    public const string Status = "status";

    /// <summary>Vendor webhooks live under this (<see cref="VendorWebhooks.Route"/>).</summary>
    public const string Webhooks = "webhooks/{vendor}";

    /// <summary>Header the Functions host and the local host read the key from (<c>?code=</c> also works).</summary>
    public const string KeyHeader = "x-functions-key";
    public const string KeyQuery = "code";

    public static IReadOnlyList<(string Method, string Route)> All { get; } =
    [
        ("GET", Call),
        ("GET", Calls),
        ("GET", Status),
    ];
}
