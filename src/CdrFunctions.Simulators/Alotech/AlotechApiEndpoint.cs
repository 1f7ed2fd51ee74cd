using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace CdrFunctions.Simulators.Alotech;

/// <summary>
/// <c>GET /api/?function=reportsCDRLogs</c>. Order: injected fault (like a gateway in front of the API,
/// so it hits whatever request comes next), then token, then parameters.
/// </summary>
internal sealed class AlotechApiEndpoint(AlotechSimulatorState state)
{
    public const string InvalidTokenMessage = "Invalid app_token";

    public async Task HandleAsync(HttpContext context)
    {
        var receivedAt = state.UtcNow();
        var cancellationToken = context.RequestAborted;
        var fault = state.Faults.TakeNext();
        int? status = null;
        try
        {
            await ServeAsync(context, fault, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            status = AlotechRequestLog.ClientClosedRequest;
        }
        catch
        {
            status = StatusCodes.Status500InternalServerError;
            throw;
        }
        finally
        {
            state.Record(context, receivedAt, status ?? context.Response.StatusCode, fault);
        }
    }

    private async Task ServeAsync(HttpContext context, AlotechFault? fault, CancellationToken cancellationToken)
    {
        if (fault == AlotechFault.Slow)
        {
            await Task.Delay(state.Faults.SlowDelay, cancellationToken).ConfigureAwait(false);
        }
        else if (fault is { } failure)
        {
            // Faults are stateless: nothing advances, so a retry with the same cursor gets the same page.
            await AlotechResponses.WriteFaultAsync(context, failure, state.Faults.RetryAfterSeconds, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!IsValidToken(context.Request.Query["app_token"].ToString()))
        {
            await AlotechResponses.WriteTextAsync(context, StatusCodes.Status401Unauthorized, InvalidTokenMessage, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!AlotechApiRequest.TryParse(context.Request.Query, out var request, out var error))
        {
            await AlotechResponses.WriteTextAsync(context, StatusCodes.Status400BadRequest, error, cancellationToken).ConfigureAwait(false);
            return;
        }

        await (request switch
        {
            AlotechKeyLookup lookup => ServeLookupAsync(context, lookup, cancellationToken),
            AlotechListing listing => ServeListingAsync(context, listing, cancellationToken),
            _ => throw new InvalidOperationException("Unhandled request type " + request.GetType().Name),
        }).ConfigureAwait(false);
    }

    private Task ServeLookupAsync(HttpContext context, AlotechKeyLookup lookup, CancellationToken cancellationToken)
    {
        var call = state.FindCall(lookup.CallKey);
        string[] records = call is null ? [] : [call.ToServedJson(lookup.Includes)];
        return AlotechResponses.WriteCallListAsync(context, records, cursor: null, cancellationToken);
    }

    private Task ServeListingAsync(HttpContext context, AlotechListing listing, CancellationToken cancellationToken)
    {
        var offset = 0;
        if (!string.IsNullOrEmpty(listing.Cursor))
        {
            if (!state.Cursors.TryDecode(listing.Cursor, out var cursor))
            {
                return AlotechResponses.WriteTextAsync(context, StatusCodes.Status400BadRequest, "Invalid cursor", cancellationToken);
            }

            if (cursor.StartDate != listing.StartText || cursor.FinishDate != listing.FinishText || cursor.Ascending != listing.Ascending)
            {
                return AlotechResponses.WriteTextAsync(
                    context, StatusCodes.Status400BadRequest, "cursor does not match startdate, finishdate and sorting", cancellationToken);
            }

            offset = cursor.Offset;
        }

        var refs = state.Generator.RefsForLocalRange(listing.Start, listing.Finish, listing.Ascending);
        var page = refs.Skip(offset).Take(state.Options.PageSize)
            .Select(reference => state.Generator.Create(reference).ToServedJson(listing.Includes))
            .ToList();
        // Returned on every page, the last one too; past the end it no longer changes and CallList is empty.
        var next = state.Cursors.Encode(new AlotechCursor(listing.StartText, listing.FinishText, listing.Ascending, offset + page.Count));
        return AlotechResponses.WriteCallListAsync(context, page, next, cancellationToken);
    }

    private bool IsValidToken(string token) =>
        token.Length > 0
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(state.Options.AppToken));
}
