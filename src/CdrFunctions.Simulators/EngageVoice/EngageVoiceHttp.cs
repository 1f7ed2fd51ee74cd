using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace CdrFunctions.Simulators.EngageVoice;

/// <summary>Request reading and response writing the Engage Voice endpoints share.</summary>
internal static class EngageVoiceHttp
{
    public static bool TryLocal(string? text, TimeZoneInfo zone, out DateTimeOffset utc)
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

    public static bool TryParseJson(string body, out JsonElement root)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            root = doc.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            root = default;
            return false;
        }
    }

    public static string Errors(EngageVoiceSimulatorState state, HttpContext http, string general, string developer) =>
        JsonSerializer.Serialize(new { generalMessage = general, developerMessage = developer, requestUri = http.Request.Path.Value, timestamp = state.Now.ToUnixTimeMilliseconds() });

    public static string? Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static string? Header(this HttpContext http, string name) =>
        http.Request.Headers.TryGetValue(name, out var v) ? v.ToString() : null;

    /// <summary>Logs the request and writes the response.</summary>
    public static async Task FinishAsync(this HttpContext http, EngageVoiceSimulatorState state, EngageVoiceEndpoint endpoint, int status, string contentType, string text, EngageVoiceFault? fault = null, string? body = null)
    {
        state.Log(endpoint, http.Request.Path, status, fault, body);
        http.Response.StatusCode = status;
        http.Response.ContentType = contentType;
        await http.Response.WriteAsync(text, http.RequestAborted).ConfigureAwait(false);
    }
}
