using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace CdrFunctions.Simulators.DeepCall;

/// <summary>
/// Serves DeepCall's documented call-report endpoints: POST with a JSON body carrying the credentials;
/// errors come back as HTTP 200 envelopes <c>{"status":"error","message":...,"code":N}</c>.
/// </summary>
internal sealed class DeepCallApiEndpoint(DeepCallSimulatorState state)
{
    private static readonly TimeZoneInfo Ist = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");

    internal enum Kind { List, Count, Detail }

    public async Task HandleAsync(HttpContext context, Kind kind)
    {
        var body = await ReadAsync(context.Request).ConfigureAwait(false);
        var fields = Fields(body);
        var fault = state.Faults.TakeNext();
        int? code = null;
        try
        {
            switch (fault)
            {
                case DeepCallFault.ServerError:
                    context.Response.StatusCode = 500;
                    await context.Response.WriteAsync("Internal Server Error").ConfigureAwait(false);
                    return;
                case DeepCallFault.TooManyRequests:
                    context.Response.StatusCode = 429;
                    context.Response.Headers.RetryAfter = state.Faults.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                    return;
                case DeepCallFault.Error1009:
                    code = 1009;
                    await ErrorAsync(context, 1009, "Something went wrong").ConfigureAwait(false);
                    return;
                case DeepCallFault.Error1010:
                    code = 1010;
                    await ErrorAsync(context, 1010, "Error in DB connect").ConfigureAwait(false);
                    return;
                case DeepCallFault.Slow:
                    await Task.Delay(state.Faults.SlowDelay, context.RequestAborted).ConfigureAwait(false);
                    break;
            }
            code = await ServeAsync(context, kind, body).ConfigureAwait(false);
        }
        finally
        {
            state.Record(new DeepCallRequestLog(context.Request.Path.Value ?? "/", fields, context.Response.StatusCode, fault, code));
        }
    }

    /// <summary>Answers the request; returns the error code served, if any.</summary>
    private async Task<int?> ServeAsync(HttpContext context, Kind kind, JsonDocument? body)
    {
        using (body)
        {
            if (body is null || body.RootElement.ValueKind != JsonValueKind.Object)
            {
                return await ErrorAsync(context, 1047, "Invalid Request Data").ConfigureAwait(false);
            }
            var root = body.RootElement;
            var o = state.Options;
            var hasToken = root.TryGetProperty("userId", out var user) | root.TryGetProperty("token", out var token);
            var hasSsid = root.TryGetProperty("ssid", out var ssid);
            if (hasToken == hasSsid)
            {
                return await ErrorAsync(context, 1000, "Invalid parameters").ConfigureAwait(false);
            }
            var authorized = hasSsid
                ? o.Ssid is not null && ssid.ValueKind == JsonValueKind.String && ssid.GetString() == o.Ssid
                : user.ValueKind == JsonValueKind.String && user.GetString() == o.UserId && token.ValueKind == JsonValueKind.String && token.GetString() == o.Token;
            if (!authorized)
            {
                return await ErrorAsync(context, 1014, "Invalid token").ConfigureAwait(false);
            }
            if (kind != Kind.Detail && o.DenyListPermission)
            {
                return await ErrorAsync(context, 1015, "Permission denied").ConfigureAwait(false);
            }
            return kind switch
            {
                Kind.Detail => await DetailAsync(context, root).ConfigureAwait(false),
                Kind.Count => await CountAsync(context, root).ConfigureAwait(false),
                _ => await ListAsync(context, root).ConfigureAwait(false),
            };
        }
    }

    private async Task<int?> ListAsync(HttpContext context, JsonElement root)
    {
        var o = state.Options;
        if (!TryRange(root, out var from, out var to)
            || !TryInt(root, o.PageField, 1, out var page) || !TryInt(root, o.PageSizeField, 100, out var size) || page < 1 || size < 1)
        {
            return await ErrorAsync(context, 1000, "Invalid parameters").ConfigureAwait(false);
        }
        size = Math.Min(size, o.MaxPageSize);
        var calls = state.Between(from, to, inclusiveEnd: true).Skip((int)Math.Min(int.MaxValue, (long)(page - 1) * size)).Take(size);
        await WriteAsync(context, w =>
        {
            w.WriteStartArray("data");
            foreach (var call in calls)
            {
                call.WriteListItem(w);
            }
            w.WriteEndArray();
        }).ConfigureAwait(false);
        return null;
    }

    private async Task<int?> CountAsync(HttpContext context, JsonElement root)
    {
        if (state.Options.CountUnavailable || !TryRange(root, out var from, out var to))
        {
            return await ErrorAsync(context, 1000, "Invalid parameters").ConfigureAwait(false);
        }
        var count = state.Between(from, to, inclusiveEnd: true).Count + state.Options.CountOffset;
        await WriteAsync(context, w => w.WriteNumber("data", count)).ConfigureAwait(false);
        return null;
    }

    private async Task<int?> DetailAsync(HttpContext context, JsonElement root)
    {
        if (!root.TryGetProperty("clId", out var id) || id.ValueKind != JsonValueKind.String || id.GetString() is not { Length: > 0 } clId)
        {
            return await ErrorAsync(context, 1000, "Invalid parameter").ConfigureAwait(false);
        }
        var call = state.FindCall(clId);
        await WriteAsync(context, w =>
        {
            if (call is null)
            {
                w.WriteStartArray("data");
                w.WriteEndArray();
            }
            else
            {
                w.WritePropertyName("data");
                call.WriteDetail(w, state.Options.UserId);
            }
        }).ConfigureAwait(false);
        return null;
    }

    private bool TryRange(JsonElement root, out DateTimeOffset from, out DateTimeOffset to)
    {
        from = to = default;
        return TryLocal(root, state.Options.FromField, out from) && TryLocal(root, state.Options.ToField, out to) && from <= to;
    }

    private bool TryLocal(JsonElement root, string field, out DateTimeOffset utc)
    {
        utc = default;
        if (!root.TryGetProperty(field, out var v) || v.ValueKind != JsonValueKind.String
            || !DateTime.TryParseExact(v.GetString(), state.Options.DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return false;
        }
        utc = new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, Ist), TimeSpan.Zero);
        return true;
    }

    private static bool TryInt(JsonElement root, string field, int fallback, out int value)
    {
        value = fallback;
        if (!root.TryGetProperty(field, out var v))
        {
            return true;
        }
        return v.ValueKind == JsonValueKind.Number ? v.TryGetInt32(out value)
            : v.ValueKind == JsonValueKind.String && int.TryParse(v.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static async Task<int?> ErrorAsync(HttpContext context, int code, string message)
    {
        await WriteAsync(context, w =>
        {
            w.WriteString("status", "error");
            w.WriteString("message", message);
            w.WriteNumber("code", code);
        }).ConfigureAwait(false);
        return code;
    }

    private static async Task WriteAsync(HttpContext context, Action<Utf8JsonWriter> properties)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json; charset=utf-8";
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            properties(w);
            w.WriteEndObject();
        }
        await context.Response.Body.WriteAsync(buffer.ToArray(), context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task<JsonDocument?> ReadAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted).ConfigureAwait(false);
        if (buffer.Length == 0)
        {
            return null;
        }
        try
        {
            return JsonDocument.Parse(buffer.ToArray());
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Top-level fields for the request log, secrets masked.</summary>
    private static Dictionary<string, string> Fields(JsonDocument? body)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (body?.RootElement.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in body.RootElement.EnumerateObject())
            {
                fields[p.Name] = p.Name is "token" or "ssid" ? "***"
                    : p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
            }
        }
        return fields;
    }
}
