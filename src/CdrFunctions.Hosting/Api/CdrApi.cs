using System.Diagnostics;
using System.Globalization;
using CdrFunctions.Pipeline.Lookup;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Pipeline.Pull;
using CdrFunctions.Pipeline.Resilience;
using CdrFunctions.Pipeline.Storage;
using CdrFunctions.Pipeline.Vendors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CdrFunctions.Pipeline.Api;

/// <summary>
/// The lookup API, one method per route. Hosts only route to these: the Functions HTTP triggers (wrapped in
/// <see cref="ResultActionResult"/>) and the local Kestrel host (<see cref="CdrApiEndpoints"/>). Input
/// errors are 400 problem+json naming the field; nothing returns an exception's text or stack.
/// </summary>
public sealed class CdrApi(
    VendorCatalog vendors, LiveLookup liveLookup, CallLookup lookup, VendorStatusReader status, TimeProvider time, ILogger<CdrApi> logger)
{
    public const int DefaultLimit = 100;

    /// <summary>Default range of <c>GET /api/calls</c> when <c>from</c> is not given.</summary>
    public static readonly TimeSpan DefaultRange = TimeSpan.FromDays(30);

    /// <summary><c>GET /api/calls/{vendor}/{callId}[?live=true]</c>.</summary>
    public Task<IResult> GetCallAsync(HttpRequest request, string vendor, string callId, CancellationToken cancellationToken) =>
        GuardAsync(request, async () =>
        {
            if (!vendors.TryGet(vendor, out var known))
            {
                return UnknownVendor(vendor);
            }
            if (InvalidId(callId) is { } idError)
            {
                return ApiProblems.BadRequest("callId", idError);
            }
            if (!TryBool(request.Query["live"], out var live))
            {
                return ApiProblems.BadRequest("live", "live must be true or false.");
            }
            var call = await liveLookup.GetAsync(known.Name, callId, live, cancellationToken).ConfigureAwait(false);
            return call is null
                ? ApiProblems.NotFound($"No call '{callId}' of vendor {known.Name}{(live ? " (the vendor does not know it either)" : "")}.")
                : Results.Json(call, CallJson.Options);
        });

    /// <summary><c>GET /api/calls?number&amp;from&amp;to&amp;vendor&amp;limit&amp;continuationToken</c>, newest first.</summary>
    public Task<IResult> ListCallsAsync(HttpRequest request, CancellationToken cancellationToken) =>
        GuardAsync(request, async () =>
        {
            var q = request.Query;
            var number = q["number"].FirstOrDefault();
            if (string.IsNullOrWhiteSpace(number))
            {
                return ApiProblems.BadRequest("number", "number is required, e.g. +905321234567.");
            }
            if (!TryInstant(q["to"], out var to, time.GetUtcNow()))
            {
                return ApiProblems.BadRequest("to", "to must be an ISO-8601 instant between the years 0001 and 9999, e.g. 2026-11-22T10:00:00Z.");
            }
            if (!TryInstant(q["from"], out var from, to - DefaultRange))
            {
                return ApiProblems.BadRequest("from", "from must be an ISO-8601 instant between the years 0001 and 9999, e.g. 2026-11-21T10:00:00Z.");
            }
            string? vendorName = null;
            if (q["vendor"].FirstOrDefault() is { Length: > 0 } v)
            {
                if (!vendors.TryGet(v, out var known))
                {
                    return UnknownVendor(v);
                }
                vendorName = known.Name;
            }
            var limit = DefaultLimit;
            if (q["limit"].FirstOrDefault() is { } limitText
                && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > CallLookup.MaxPageSize))
            {
                return ApiProblems.BadRequest("limit", $"limit must be a whole number from 1 to {CallLookup.MaxPageSize}.");
            }
            var page = await lookup.ListByNumberAsync(number, from, to, vendorName, limit, q["continuationToken"].FirstOrDefault(), cancellationToken).ConfigureAwait(false);
            return Results.Json(page, CallJson.Options);
        });

    /// <summary><c>GET /api/status</c>: per vendor checkpoint, lag, last run and last error.</summary>
    public Task<IResult> GetStatusAsync(HttpRequest request, CancellationToken cancellationToken) =>
        GuardAsync(request, async () => Results.Json(await status.ReadAsync(cancellationToken).ConfigureAwait(false), CallJson.Options));

    /// <summary>Maps the failures a caller can act on to problem answers; anything else is logged and becomes a bare 500.</summary>
    private async Task<IResult> GuardAsync(HttpRequest request, Func<Task<IResult>> handle)
    {
        try
        {
            return await handle().ConfigureAwait(false);
        }
        catch (LookupArgumentException e)
        {
            return ApiProblems.BadRequest(e.Field, e.Message);
        }
        catch (LiveLookupThrottledException e)
        {
            logger.LogWarning("API {Path}: live lookups of {Vendor} throttled", request.Path, e.Vendor);
            return ApiProblems.TooManyRequests(
                $"Live lookups of {e.Vendor} are limited to protect the vendor's quota; stored calls are still served. Retry later.", e.RetryAfter);
        }
        catch (UnknownVendorException e)
        {
            return UnknownVendor(e.VendorName);
        }
        catch (StorageUnreachableException e)
        {
            logger.LogError(e, "API {Path}: storage unreachable", request.Path);
            return ApiProblems.Unavailable("The call store cannot be reached right now; try again shortly.");
        }
        catch (VendorApiException e)
        {
            logger.LogWarning(e, "API {Path}: vendor call failed", request.Path);
            return ApiProblems.BadGateway("The vendor's API did not answer the live lookup; try again later.");
        }
        catch (OperationCanceledException) when (request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            return Results.StatusCode(499);
        }
        catch (Exception e)
        {
            var traceId = Activity.Current?.Id ?? request.HttpContext.TraceIdentifier;
            logger.LogError(e, "API {Path} failed (trace id {TraceId})", request.Path, traceId);
            return ApiProblems.Internal(traceId);
        }
    }

    private IResult UnknownVendor(string name) =>
        ApiProblems.BadRequest("vendor", $"Unknown vendor '{name}'. Known vendors: {string.Join(", ", vendors.Names.Order(StringComparer.Ordinal))}.");

    internal static string? InvalidId(string? callId) =>
        string.IsNullOrWhiteSpace(callId) || callId.Length > RecordLimits.MaxIdChars || callId.Any(char.IsControl)
            ? $"callId must be 1 to {RecordLimits.MaxIdChars} printable characters."
            : null;

    private static bool TryBool(Microsoft.Extensions.Primitives.StringValues values, out bool value)
    {
        value = false;
        var text = values.FirstOrDefault();
        return string.IsNullOrEmpty(text) || bool.TryParse(text, out value);
    }

    /// <summary>An instant; UTC when no offset is given; <paramref name="fallback"/> when absent.</summary>
    private static bool TryInstant(Microsoft.Extensions.Primitives.StringValues values, out DateTimeOffset value, DateTimeOffset fallback)
    {
        var text = values.FirstOrDefault();
        if (string.IsNullOrEmpty(text))
        {
            value = fallback;
            return true;
        }
        var ok = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
        value = value.ToUniversalTime();
        // The first and last day of the calendar are no call times, and key arithmetic on them overflows.
        return ok && value > DateTimeOffset.MinValue.AddDays(1) && value < DateTimeOffset.MaxValue.AddDays(-1);
    }
}
