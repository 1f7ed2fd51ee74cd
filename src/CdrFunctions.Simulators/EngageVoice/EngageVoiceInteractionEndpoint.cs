using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace CdrFunctions.Simulators.EngageVoice;

/// <summary>RingCX interaction-metadata: the non-deprecated segment stream (JSON).</summary>
internal sealed class EngageVoiceInteractionEndpoint(EngageVoiceSimulatorState state)
{
    /// <summary>
    /// bearer token only, the account and sub-account of the URL, the body's three
    /// required fields (a window of at most 3 hours that ended at least 5 minutes ago), and the per-sub-account
    /// limits; the answer is the segments that ended in the window, as a bare array.
    /// </summary>
    public async Task InteractionMetadataAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(http.RequestAborted).ConfigureAwait(false);
        const EngageVoiceEndpoint endpoint = EngageVoiceEndpoint.InteractionMetadata;
        var bearer = http.Header("Authorization");
        if (bearer is null || !bearer.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            await http.FinishAsync(state, endpoint, 401, "application/json", EngageVoiceHttp.Errors(state, http, "Full authentication is required to access this resource", "a RingCX bearer token is required"), body: body).ConfigureAwait(false);
            return;
        }
        if (state.Authorize(null, bearer) is { } denied)
        {
            await http.FinishAsync(state, endpoint, 401, "text/plain", denied == "Jwt is expired" ? "JWT is expired" : denied, body: body).ConfigureAwait(false);
            return;
        }
        var subAccount = http.Request.RouteValues["subAccountId"] as string ?? "";
        if (http.Request.RouteValues["rcAccountId"] as string != state.Options.RingCentralAccountId || !state.Options.SubAccountIds.Contains(subAccount))
        {
            await http.FinishAsync(state, endpoint, 403, "application/json", EngageVoiceHttp.Errors(state, http, "Access is denied", "unknown account or sub-account"), body: body).ConfigureAwait(false);
            return;
        }
        var fault = state.Faults.TakeNext();
        switch (fault)
        {
            case EngageVoiceFault.TooManyRequests:
                http.Response.Headers.RetryAfter = state.Faults.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                await http.FinishAsync(state, endpoint, 429, "application/json", EngageVoiceHttp.Errors(state, http, "Too Many Requests", "rate limit exceeded"), fault, body).ConfigureAwait(false);
                return;
            case EngageVoiceFault.ServerError:
                await http.FinishAsync(state, endpoint, 500, "application/json", EngageVoiceHttp.Errors(state, http, "Internal Server Error", "simulated"), fault, body).ConfigureAwait(false);
                return;
            case EngageVoiceFault.ExpireToken:
                state.ExpireAllTokens();
                await http.FinishAsync(state, endpoint, 401, "text/plain", "JWT is expired", fault, body).ConfigureAwait(false);
                return;
        }
        if (state.TakeSegmentSlot(subAccount) is { } wait)
        {
            http.Response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
            await http.FinishAsync(state, endpoint, 429, "application/json", EngageVoiceHttp.Errors(state, http, "Too Many Requests", "3 requests per 60 seconds and 9 per 15 minutes per sub-account"), fault, body).ConfigureAwait(false);
            return;
        }
        if (ReadSegmentRequest(body, out var fromUtc, out var toUtc) is { } invalid)
        {
            await http.FinishAsync(state, endpoint, 400, "application/json", EngageVoiceHttp.Errors(state, http, "Bad Request", invalid), fault, body).ConfigureAwait(false);
            return;
        }
        var json = EngageVoiceSegmentRenderer.Render(state.SegmentsEndingBetween(subAccount, fromUtc, toUtc));
        await http.FinishAsync(state, endpoint, 200, "application/json", json, fault, body).ConfigureAwait(false);
    }

    private string? ReadSegmentRequest(string body, out DateTimeOffset fromUtc, out DateTimeOffset toUtc)
    {
        fromUtc = toUtc = default;
        if (!EngageVoiceHttp.TryParseJson(body, out var root))
        {
            return "the request body is not JSON";
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            return "the request body must be an object";
        }
        if (EngageVoiceHttp.Text(root, "timeZone") is not { } zoneName || !TimeZoneInfo.TryFindSystemTimeZoneById(zoneName, out var zone))
        {
            return "timeZone is required and must be a TZ database name";
        }
        if (!root.TryGetProperty("timeInterval", out var interval) || !interval.TryGetInt32(out var seconds) || seconds < 1 || seconds > 10800)
        {
            return "timeInterval is required: whole seconds from 1 to 10800";
        }
        if (EngageVoiceHttp.Text(root, "segmentEndTime") is not { } local
            || !DateTime.TryParseExact(local, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            || !EngageVoiceHttp.TryLocal(local, zone, out fromUtc))
        {
            return "segmentEndTime is required, like 2024-07-22 11:00:00";
        }
        toUtc = fromUtc.AddSeconds(seconds);
        if (toUtc > state.Now - state.Options.SegmentQueryMinAge)
        {
            return "the interval must end at least 5 minutes before now";
        }
        return null;
    }
}
