using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace CdrFunctions.Simulators.EngageVoice;

/// <summary>The documented protocol: token grant, exchange, refresh, reportsStreaming (CSV), inputControls, interaction-metadata (JSON).</summary>
internal sealed class EngageVoiceApiEndpoints(EngageVoiceSimulatorState state)
{
    private const string JwtGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private static readonly TimeSpan TruncationDelay = TimeSpan.FromMilliseconds(300);

    public async Task RingCentralTokenAsync(HttpContext http)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{state.Options.ClientId}:{state.Options.ClientSecret}"));
        if (http.Request.Headers.Authorization.ToString() != expected)
        {
            await Finish(http, EngageVoiceEndpoint.RingCentralToken, 401, "application/json", """{"error":"invalid_client","error_description":"Invalid client"}""").ConfigureAwait(false);
            return;
        }
        if (form["grant_type"] != JwtGrant || form["assertion"] != state.Options.Jwt)
        {
            await Finish(http, EngageVoiceEndpoint.RingCentralToken, 400, "application/json", """{"error":"invalid_grant","error_description":"Invalid JWT"}""").ConfigureAwait(false);
            return;
        }
        var token = state.IssueRingCentralToken();
        await Finish(http, EngageVoiceEndpoint.RingCentralToken, 200, "application/json",
            JsonSerializer.Serialize(new { access_token = token, token_type = "bearer", expires_in = 3600 })).ConfigureAwait(false);
    }

    public async Task ExchangeAsync(HttpContext http)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
        if (state.TakeExchangeSlot() is { } wait)
        {
            http.Response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
            await Finish(http, EngageVoiceEndpoint.Exchange, 429, "text/plain", "Too many requests: 5 token exchanges per minute").ConfigureAwait(false);
            return;
        }
        if (!state.IsRingCentralToken(form["rcAccessToken"]) || form["rcTokenType"] != "Bearer")
        {
            await Finish(http, EngageVoiceEndpoint.Exchange, 401, "text/plain", "Invalid RingCentral access token").ConfigureAwait(false);
            return;
        }
        await Finish(http, EngageVoiceEndpoint.Exchange, 200, "application/json", Tokens(includeRefresh: http.Request.Query["includeRefresh"] == "true")).ConfigureAwait(false);
    }

    public async Task RefreshAsync(HttpContext http)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
        if (!state.RedeemRefreshToken(form["refresh_token"]))
        {
            await Finish(http, EngageVoiceEndpoint.Refresh, 401, "text/plain", "Invalid refresh token").ConfigureAwait(false);
            return;
        }
        await Finish(http, EngageVoiceEndpoint.Refresh, 200, "application/json", Tokens(includeRefresh: true)).ConfigureAwait(false);
    }

    public async Task InputControlsAsync(HttpContext http)
    {
        if (state.Authorize(Header(http, "X-Auth-Token"), Header(http, "Authorization")) is { } denied)
        {
            await Finish(http, EngageVoiceEndpoint.InputControls, 401, "text/plain", denied).ConfigureAwait(false);
            return;
        }
        if (state.InputControlsStatus != 200)
        {
            await Finish(http, EngageVoiceEndpoint.InputControls, state.InputControlsStatus, "application/json", """{"errorMessage":"Access is denied"}""").ConfigureAwait(false);
            return;
        }
        // The shape is undocumented: groups with groupId (null = ungrouped) and children with objId.
        var profiles = EngageVoiceCallGenerator.ProfileCatalog;
        var groups = new object[]
        {
            new { groupId = (int?)null, groupName = "Ungrouped", children = profiles.Take(1).Select(p => new { objId = int.Parse(p.Id, CultureInfo.InvariantCulture), name = p.Name }) },
            new { groupId = (int?)10, groupName = "Main", children = profiles.Skip(1).Select(p => new { objId = int.Parse(p.Id, CultureInfo.InvariantCulture), name = p.Name }) },
        };
        await Finish(http, EngageVoiceEndpoint.InputControls, 200, "application/json", JsonSerializer.Serialize(groups)).ConfigureAwait(false);
    }

    public async Task ReportAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(http.RequestAborted).ConfigureAwait(false);
        if (state.Authorize(Header(http, "X-Auth-Token"), Header(http, "Authorization")) is { } denied)
        {
            await Finish(http, EngageVoiceEndpoint.Report, 401, "text/plain", denied, body: body).ConfigureAwait(false);
            return;
        }
        var fault = state.Faults.TakeNext();
        switch (fault)
        {
            case EngageVoiceFault.TooManyRequests:
                http.Response.Headers.RetryAfter = state.Faults.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                await Finish(http, EngageVoiceEndpoint.Report, 429, "text/plain", "Too Many Requests", fault, body).ConfigureAwait(false);
                return;
            case EngageVoiceFault.ServerError:
                await Finish(http, EngageVoiceEndpoint.Report, 500, "text/plain", "Internal Server Error", fault, body).ConfigureAwait(false);
                return;
            case EngageVoiceFault.ExpireToken when Header(http, "Authorization") is not null:
                state.ExpireAllTokens();
                await Finish(http, EngageVoiceEndpoint.Report, 401, "text/plain", "Jwt is expired", fault, body).ConfigureAwait(false);
                return;
        }
        if (http.Request.RouteValues["accountId"] as string != state.Options.AccountId)
        {
            await Finish(http, EngageVoiceEndpoint.Report, 403, "application/json", """{"errorMessage":"Access is denied to this account"}""", fault, body).ConfigureAwait(false);
            return;
        }
        if (ReadRequest(body, out var zone, out var fromUtc, out var toUtc) is { } invalid)
        {
            await Finish(http, EngageVoiceEndpoint.Report, 400, "application/json", JsonSerializer.Serialize(new { errorMessage = invalid }), fault, body).ConfigureAwait(false);
            return;
        }
        var csv = new StringBuilder();
        var newLine = state.Options.NewLine;
        if (state.Options.IncludeHeader)
        {
            csv.Append(EngageVoiceCallGenerator.Header).Append(newLine);
        }
        foreach (var call in state.Generator.CallsBetween(fromUtc, toUtc, inclusiveEnd: true))
        {
            csv.Append(EngageVoiceCallGenerator.Render(call, zone)).Append(newLine);
        }
        var bytes = Encoding.UTF8.GetBytes(csv.ToString());
        state.Log(EngageVoiceEndpoint.Report, http.Request.Path, 200, fault, body);
        http.Response.StatusCode = 200;
        http.Response.ContentType = "text/csv";
        http.Response.ContentLength = bytes.Length;
        if (fault == EngageVoiceFault.TruncatedCsv)
        {
            await http.Response.Body.WriteAsync(bytes.AsMemory(0, bytes.Length / 2), http.RequestAborted).ConfigureAwait(false);
            await http.Response.Body.FlushAsync(http.RequestAborted).ConfigureAwait(false);
            // Let the headers and the first half reach the client before the connection drops, so the
            // break happens mid-body (an abort right away can overtake the flushed bytes).
            await Task.Delay(TruncationDelay, http.RequestAborted).ConfigureAwait(false);
            http.Abort();
            return;
        }
        await http.Response.Body.WriteAsync(bytes, http.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// RingCX interaction-metadata: bearer token only, the account and sub-account of the URL, the body's three
    /// required fields (a window of at most 3 hours that ended at least 5 minutes ago), and the per-sub-account
    /// limits; the answer is the segments that ended in the window, as a bare array.
    /// </summary>
    public async Task InteractionMetadataAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(http.RequestAborted);
        const EngageVoiceEndpoint endpoint = EngageVoiceEndpoint.InteractionMetadata;
        var bearer = Header(http, "Authorization");
        if (bearer is null || !bearer.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            await Finish(http, endpoint, 401, "application/json", Errors(http, "Full authentication is required to access this resource", "a RingCX bearer token is required"), body: body);
            return;
        }
        if (state.Authorize(null, bearer) is { } denied)
        {
            await Finish(http, endpoint, 401, "text/plain", denied == "Jwt is expired" ? "JWT is expired" : denied, body: body);
            return;
        }
        var subAccount = http.Request.RouteValues["subAccountId"] as string ?? "";
        if (http.Request.RouteValues["rcAccountId"] as string != state.Options.RingCentralAccountId || !state.Options.SubAccountIds.Contains(subAccount))
        {
            await Finish(http, endpoint, 403, "application/json", Errors(http, "Access is denied", "unknown account or sub-account"), body: body);
            return;
        }
        var fault = state.Faults.TakeNext();
        switch (fault)
        {
            case EngageVoiceFault.TooManyRequests:
                http.Response.Headers.RetryAfter = state.Faults.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                await Finish(http, endpoint, 429, "application/json", Errors(http, "Too Many Requests", "rate limit exceeded"), fault, body);
                return;
            case EngageVoiceFault.ServerError:
                await Finish(http, endpoint, 500, "application/json", Errors(http, "Internal Server Error", "simulated"), fault, body);
                return;
            case EngageVoiceFault.ExpireToken:
                state.ExpireAllTokens();
                await Finish(http, endpoint, 401, "text/plain", "JWT is expired", fault, body);
                return;
        }
        if (state.TakeSegmentSlot(subAccount) is { } wait)
        {
            http.Response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
            await Finish(http, endpoint, 429, "application/json", Errors(http, "Too Many Requests", "3 requests per 60 seconds and 9 per 15 minutes per sub-account"), fault, body);
            return;
        }
        if (ReadSegmentRequest(body, out var fromUtc, out var toUtc) is { } invalid)
        {
            await Finish(http, endpoint, 400, "application/json", Errors(http, "Bad Request", invalid), fault, body);
            return;
        }
        var json = EngageVoiceSegmentRenderer.Render(state.SegmentsEndingBetween(subAccount, fromUtc, toUtc));
        await Finish(http, endpoint, 200, "application/json", json, fault, body);
    }

    private string? ReadSegmentRequest(string body, out DateTimeOffset fromUtc, out DateTimeOffset toUtc)
    {
        fromUtc = toUtc = default;
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(body);
            root = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return "the request body is not JSON";
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            return "the request body must be an object";
        }
        if (Text(root, "timeZone") is not { } zoneName || !TimeZoneInfo.TryFindSystemTimeZoneById(zoneName, out var zone))
        {
            return "timeZone is required and must be a TZ database name";
        }
        if (!root.TryGetProperty("timeInterval", out var interval) || !interval.TryGetInt32(out var seconds) || seconds < 1 || seconds > 10800)
        {
            return "timeInterval is required: whole seconds from 1 to 10800";
        }
        if (Text(root, "segmentEndTime") is not { } local
            || !DateTime.TryParseExact(local, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            || !TryLocal(local, zone, out fromUtc))
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

    private string Errors(HttpContext http, string general, string developer) =>
        JsonSerializer.Serialize(new { generalMessage = general, developerMessage = developer, requestUri = http.Request.Path.Value, timestamp = state.Now.ToUnixTimeMilliseconds() });

    /// <summary>Checks the seed's fixed fields and reads the range: local times in timezoneName, end inclusive.</summary>
    private string? ReadRequest(string body, out TimeZoneInfo zone, out DateTimeOffset fromUtc, out DateTimeOffset toUtc)
    {
        zone = TimeZoneInfo.Utc;
        fromUtc = toUtc = default;
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(body);
            root = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return "the request body is not JSON";
        }
        if (Text(root, "reportType") != "CASPER_REPORT" || Text(root, "reportTypeName") != "Cloud_Call_Detail_Download")
        {
            return "reportType must be CASPER_REPORT and reportTypeName Cloud_Call_Detail_Download";
        }
        if (!root.TryGetProperty("reportCriteria", out var c) || c.ValueKind != JsonValueKind.Object)
        {
            return "reportCriteria is required";
        }
        if (Text(c, "criteriaType") != "CASPER_CRITERIA" || Text(c, "reportName") != "Cloud_Call_Detail_Download" || Text(c, "returnType") != "CSV")
        {
            return "criteriaType, reportName and returnType must be CASPER_CRITERIA, Cloud_Call_Detail_Download and CSV";
        }
        if (!c.TryGetProperty("schedule", out var s) || Text(s, "repeatOption") != "ONCE")
        {
            return "schedule.repeatOption must be ONCE";
        }
        if (!c.TryGetProperty("accountIds", out var accounts) || accounts.ValueKind != JsonValueKind.Array
            || !accounts.EnumerateArray().Any(a => a.ValueKind == JsonValueKind.String && a.GetString() == state.Options.AccountId))
        {
            return "accountIds must hold the account";
        }
        var (groups, ids) = Text(c, "groupBy") switch
        {
            "PROFILE" => ("cloudProfileGroupIds", "cloudProfileIds"),
            "DESTINATION" => ("cloudDestinationGroupIds", "cloudDestinationIds"),
            _ => ((string?)null, (string?)null),
        };
        if (groups is null || !c.TryGetProperty(groups, out var g) || g.ValueKind != JsonValueKind.Array
            || !c.TryGetProperty(ids!, out var i) || i.ValueKind != JsonValueKind.Array || i.GetArrayLength() == 0)
        {
            return "groupBy must be PROFILE or DESTINATION, with its group id and id arrays";
        }
        if (Text(c, "timezoneName") is not { } zoneName || !TimeZoneInfo.TryFindSystemTimeZoneById(zoneName, out var found))
        {
            return "timezoneName must be a TZ database name";
        }
        zone = found;
        if (!TryLocal(Text(c, "startTimestamp"), zone, out fromUtc) || !TryLocal(Text(c, "endTimestamp"), zone, out toUtc))
        {
            return "startTimestamp and endTimestamp must look like 2020-04-22 00:00:00";
        }
        return null;
    }

    private static bool TryLocal(string? text, TimeZoneInfo zone, out DateTimeOffset utc)
    {
        utc = default;
        if (!DateTime.TryParseExact(text, ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.ffff"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return false;
        }
        if (zone.IsInvalidTime(local))
        {
            local = local.AddHours(1);
        }
        utc = new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
        return true;
    }

    private string Tokens(bool includeRefresh)
    {
        var (access, refresh) = state.IssueEngageTokens();
        return JsonSerializer.Serialize(new
        {
            accessToken = access,
            refreshToken = includeRefresh ? refresh : null,
            tokenType = "Bearer",
            mainAccountId = state.Options.AccountId,
        });
    }

    private static string? Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string? Header(HttpContext http, string name) =>
        http.Request.Headers.TryGetValue(name, out var v) ? v.ToString() : null;

    private async Task Finish(HttpContext http, EngageVoiceEndpoint endpoint, int status, string contentType, string text, EngageVoiceFault? fault = null, string? body = null)
    {
        state.Log(endpoint, http.Request.Path, status, fault, body);
        http.Response.StatusCode = status;
        http.Response.ContentType = contentType;
        await http.Response.WriteAsync(text, http.RequestAborted).ConfigureAwait(false);
    }
}
