using Microsoft.AspNetCore.Http;

namespace CdrFunctions.Pipeline.Api;

/// <summary>RFC 7807 answers (<c>application/problem+json</c>); <c>field</c> names the offending input.</summary>
public static class ApiProblems
{
    public static IResult BadRequest(string field, string detail) =>
        Problem(StatusCodes.Status400BadRequest, "Invalid request", detail, field);

    public static IResult NotFound(string detail) =>
        Problem(StatusCodes.Status404NotFound, "Not found", detail, null);

    public static IResult Unauthorized() =>
        Problem(StatusCodes.Status401Unauthorized, "Unauthorized",
            $"A valid key is required in the {CdrApiRoutes.KeyHeader} header or the ?{CdrApiRoutes.KeyQuery}= query parameter.", null);

    /// <summary>429 with <c>Retry-After</c> (whole seconds, at least 1).</summary>
    public static IResult TooManyRequests(string detail, TimeSpan retryAfter) =>
        new WithHeader(Problem(StatusCodes.Status429TooManyRequests, "Too many requests", detail, null),
            "Retry-After", Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static IResult Unavailable(string detail) =>
        Problem(StatusCodes.Status503ServiceUnavailable, "Storage unavailable", detail, null);

    public static IResult BadGateway(string detail) =>
        Problem(StatusCodes.Status502BadGateway, "Vendor API failed", detail, null);

    /// <summary>Says nothing about the cause: the details are in the log, never in the response.</summary>
    public static IResult Internal(string traceId) =>
        Problem(StatusCodes.Status500InternalServerError, "Internal error", $"The request failed; the log has the details under trace id {traceId}.", null);

    public static IResult Problem(int status, string title, string detail, string? field) =>
        Results.Problem(
            detail: detail,
            statusCode: status,
            title: title,
            type: $"https://www.rfc-editor.org/rfc/rfc9110#status.{status}",
            extensions: field is null ? null : new Dictionary<string, object?> { ["field"] = field });

    private sealed class WithHeader(IResult inner, string name, string value) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers[name] = value;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
