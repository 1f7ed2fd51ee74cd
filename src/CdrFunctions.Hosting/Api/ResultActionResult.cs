using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace CdrFunctions.Pipeline.Api;

/// <summary>
/// Lets a Functions HTTP trigger (ASP.NET Core integration, which executes <see cref="IActionResult"/>)
/// return what a <see cref="CdrApi"/> handler produced.
/// </summary>
public sealed class ResultActionResult(IResult result) : IActionResult
{
    public IResult Result { get; } = result;

    public Task ExecuteResultAsync(ActionContext context) => Result.ExecuteAsync(context.HttpContext);
}
