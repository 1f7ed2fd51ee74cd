using CdrFunctions.Pipeline.Security;
using Microsoft.AspNetCore.Http;

namespace CdrFunctions.Pipeline.Api;

/// <summary>
/// The local host's stand-in for the Functions host's key check on <c>AuthorizationLevel.Function</c>
/// routes: the key in <c>x-functions-key</c> or <c>?code=</c>, hashed and compared in fixed time.
/// </summary>
public sealed class ApiKeyCheck(string key) : IEndpointFilter
{
    public bool Accepts(HttpRequest request)
    {
        var given = request.Headers[CdrApiRoutes.KeyHeader].FirstOrDefault() ?? request.Query[CdrApiRoutes.KeyQuery].FirstOrDefault();
        return SecretComparison.Matches(given, key);
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        Accepts(context.HttpContext.Request) ? await next(context).ConfigureAwait(false) : ApiProblems.Unauthorized();
}
