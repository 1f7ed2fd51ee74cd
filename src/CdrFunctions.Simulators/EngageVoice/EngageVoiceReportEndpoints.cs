using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace CdrFunctions.Simulators.EngageVoice;

/// <summary>The Call Detail Report over <c>reportsStreaming</c> (CSV, with its faults) and the profile list of <c>inputControls</c>.</summary>
internal sealed class EngageVoiceReportEndpoints(EngageVoiceSimulatorState state)
{
    private static readonly TimeSpan TruncationDelay = TimeSpan.FromMilliseconds(300);

    public async Task InputControlsAsync(HttpContext http)
    {
        if (state.Authorize(http.Header("X-Auth-Token"), http.Header("Authorization")) is { } denied)
        {
            await http.FinishAsync(state, EngageVoiceEndpoint.InputControls, 401, "text/plain", denied).ConfigureAwait(false);
            return;
        }
        if (state.InputControlsStatus != 200)
        {
            await http.FinishAsync(state, EngageVoiceEndpoint.InputControls, state.InputControlsStatus, "application/json", """{"errorMessage":"Access is denied"}""").ConfigureAwait(false);
            return;
        }
        // The shape is undocumented: groups with groupId (null = ungrouped) and children with objId.
        var profiles = EngageVoiceCallGenerator.ProfileCatalog;
        var groups = new object[]
        {
            new { groupId = (int?)null, groupName = "Ungrouped", children = profiles.Take(1).Select(p => new { objId = int.Parse(p.Id, CultureInfo.InvariantCulture), name = p.Name }) },
            new { groupId = (int?)10, groupName = "Main", children = profiles.Skip(1).Select(p => new { objId = int.Parse(p.Id, CultureInfo.InvariantCulture), name = p.Name }) },
        };
        await http.FinishAsync(state, EngageVoiceEndpoint.InputControls, 200, "application/json", JsonSerializer.Serialize(groups)).ConfigureAwait(false);
    }

    public async Task ReportAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(http.RequestAborted).ConfigureAwait(false);
        if (state.Authorize(http.Header("X-Auth-Token"), http.Header("Authorization")) is { } denied)
        {
            await http.FinishAsync(state, EngageVoiceEndpoint.Report, 401, "text/plain", denied, body: body).ConfigureAwait(false);
            return;
        }
        var fault = state.Faults.TakeNext();
        switch (fault)
        {
            case EngageVoiceFault.TooManyRequests:
                http.Response.Headers.RetryAfter = state.Faults.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                await http.FinishAsync(state, EngageVoiceEndpoint.Report, 429, "text/plain", "Too Many Requests", fault, body).ConfigureAwait(false);
                return;
            case EngageVoiceFault.ServerError:
                await http.FinishAsync(state, EngageVoiceEndpoint.Report, 500, "text/plain", "Internal Server Error", fault, body).ConfigureAwait(false);
                return;
            case EngageVoiceFault.ExpireToken when http.Header("Authorization") is not null:
                state.ExpireAllTokens();
                await http.FinishAsync(state, EngageVoiceEndpoint.Report, 401, "text/plain", "Jwt is expired", fault, body).ConfigureAwait(false);
                return;
        }
        if (http.Request.RouteValues["accountId"] as string != state.Options.AccountId)
        {
            await http.FinishAsync(state, EngageVoiceEndpoint.Report, 403, "application/json", """{"errorMessage":"Access is denied to this account"}""", fault, body).ConfigureAwait(false);
            return;
        }
        if (ReadRequest(body, out var zone, out var fromUtc, out var toUtc) is { } invalid)
        {
            await http.FinishAsync(state, EngageVoiceEndpoint.Report, 400, "application/json", JsonSerializer.Serialize(new { errorMessage = invalid }), fault, body).ConfigureAwait(false);
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

    /// <summary>Checks the seed's fixed fields and reads the range: local times in timezoneName, end inclusive.</summary>
    private string? ReadRequest(string body, out TimeZoneInfo zone, out DateTimeOffset fromUtc, out DateTimeOffset toUtc)
    {
        zone = TimeZoneInfo.Utc;
        fromUtc = toUtc = default;
        if (!EngageVoiceHttp.TryParseJson(body, out var root))
        {
            return "the request body is not JSON";
        }
        if (EngageVoiceHttp.Text(root, "reportType") != "CASPER_REPORT" || EngageVoiceHttp.Text(root, "reportTypeName") != "Cloud_Call_Detail_Download")
        {
            return "reportType must be CASPER_REPORT and reportTypeName Cloud_Call_Detail_Download";
        }
        if (!root.TryGetProperty("reportCriteria", out var c) || c.ValueKind != JsonValueKind.Object)
        {
            return "reportCriteria is required";
        }
        if (EngageVoiceHttp.Text(c, "criteriaType") != "CASPER_CRITERIA" || EngageVoiceHttp.Text(c, "reportName") != "Cloud_Call_Detail_Download" || EngageVoiceHttp.Text(c, "returnType") != "CSV")
        {
            return "criteriaType, reportName and returnType must be CASPER_CRITERIA, Cloud_Call_Detail_Download and CSV";
        }
        if (!c.TryGetProperty("schedule", out var s) || EngageVoiceHttp.Text(s, "repeatOption") != "ONCE")
        {
            return "schedule.repeatOption must be ONCE";
        }
        if (!c.TryGetProperty("accountIds", out var accounts) || accounts.ValueKind != JsonValueKind.Array
            || !accounts.EnumerateArray().Any(a => a.ValueKind == JsonValueKind.String && a.GetString() == state.Options.AccountId))
        {
            return "accountIds must hold the account";
        }
        var (groups, ids) = EngageVoiceHttp.Text(c, "groupBy") switch
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
        if (EngageVoiceHttp.Text(c, "timezoneName") is not { } zoneName || !TimeZoneInfo.TryFindSystemTimeZoneById(zoneName, out var found))
        {
            return "timezoneName must be a TZ database name";
        }
        zone = found;
        if (!EngageVoiceHttp.TryLocal(EngageVoiceHttp.Text(c, "startTimestamp"), zone, out fromUtc) || !EngageVoiceHttp.TryLocal(EngageVoiceHttp.Text(c, "endTimestamp"), zone, out toUtc))
        {
            return "startTimestamp and endTimestamp must look like 2020-04-22 00:00:00";
        }
        return null;
    }
}
