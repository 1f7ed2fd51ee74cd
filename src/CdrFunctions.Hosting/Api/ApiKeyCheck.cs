using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace CdrFunctions.Pipeline.Api;

/// <summary>
/// The local host's stand-in for the Functions host's key check on <c>AuthorizationLevel.Function</c>
/// routes: the key in <c>x-functions-key</c> or <c>?code=</c>, compared in constant time.
/// </summary>
public sealed class ApiKeyCheck(string key) : IEndpointFilter
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(key);

    public bool Accepts(HttpRequest request)
    {
        var given = request.Headers[CdrApiRoutes.KeyHeader].FirstOrDefault() ?? request.Query[CdrApiRoutes.KeyQuery].FirstOrDefault();
        return given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), _key);
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        Accepts(context.HttpContext.Request) ? await next(context).ConfigureAwait(false) : ApiProblems.Unauthorized();
}
