using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace CdrFunctions.Simulators.Alotech;

/// <summary><c>GET|POST /_simulator/faults</c>: read or change <see cref="AlotechFaults"/> from outside the process.</summary>
internal sealed class AlotechFaultsEndpoint(AlotechSimulatorState state)
{
    private const int MaxBodyBytes = 64 * 1024;

    public Task GetAsync(HttpContext context) => RecordAsync(context, WriteStateAsync);

    public Task PostAsync(HttpContext context) => RecordAsync(context, async (ctx, cancellationToken) =>
    {
        var (body, parseError) = await ReadBodyAsync(ctx.Request, cancellationToken).ConfigureAwait(false);
        if (parseError is not null || !AlotechFaultSettings.TryParse(body, out var settings, out parseError))
        {
            await AlotechResponses.WriteTextAsync(ctx, StatusCodes.Status400BadRequest, parseError, cancellationToken).ConfigureAwait(false);
            return;
        }

        state.Faults.Apply(settings);
        await WriteStateAsync(ctx, cancellationToken).ConfigureAwait(false);
    });

    private Task WriteStateAsync(HttpContext context, CancellationToken cancellationToken) =>
        AlotechResponses.WriteJsonAsync(context, writer => AlotechFaultSettings.Write(writer, state.Faults), cancellationToken);

    private async Task RecordAsync(HttpContext context, Func<HttpContext, CancellationToken, Task> handle)
    {
        var receivedAt = state.UtcNow();
        int? status = null;
        try
        {
            await handle(context, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            status = AlotechRequestLog.ClientClosedRequest;
        }
        finally
        {
            state.Record(context, receivedAt, status ?? context.Response.StatusCode, fault: null);
        }
    }

    private static async Task<(JsonNode? Body, string? Error)> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, "Body too large");
        }

        try
        {
            return (await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken).ConfigureAwait(false), null);
        }
        catch (JsonException exception)
        {
            return (null, "Invalid JSON body: " + exception.Message);
        }
    }
}
