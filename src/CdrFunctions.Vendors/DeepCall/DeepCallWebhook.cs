using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CdrFunctions.Pipeline.Parsing;
using CdrFunctions.Pipeline.Vendors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CdrFunctions.Vendors.DeepCall;

/// <summary>
/// DeepCall's push-report webhook (<c>/api/webhooks/deepcall/{secret}</c>): one report per call, POSTed as JSON
/// or form-encoded <c>push_report=&lt;json&gt;</c>. Each report is returned to the pipeline, which lands it as
/// <c>cdr-raw/deepcall/{yyyy}/{MM}/{dd}/push-{callId}.json</c> (the day it arrived), so the normal normalize path
/// reads it. DeepCall activates a webhook only when it answers the text <c>GODBLESSYOU</c>, so every accepted
/// request (GET, empty POST, report) answers that. The URL carries a shared secret
/// (<c>Vendors:DeepCall:Webhook:Secret</c>), compared in constant time.
/// </summary>
public sealed class DeepCallWebhook(IOptions<DeepCallOptions> options, ILogger<DeepCallWebhook> logger) : IPushReceiver
{
    public const string Handshake = "GODBLESSYOU";

    private readonly DeepCallWebhookOptions _options = options.Value.Webhook;

    public string Vendor => DeepCallVendor.VendorName;

    /// <summary>
    /// ASP.NET Core's hosting and routing logs write request paths, which carry the secret. A host that mounts
    /// the webhook calls this so those categories log warnings only (they never carry paths).
    /// </summary>
    public static void KeepSecretOutOfLogs(ILoggingBuilder logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging
            .AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning)
            .AddFilter("Microsoft.AspNetCore.Routing", LogLevel.Warning)
            .AddFilter("Microsoft.AspNetCore.Server.Kestrel", LogLevel.Warning);
    }

    /// <param name="path">The path after <c>webhooks/deepcall/</c>: the secret.</param>
    public async Task<PushReceipt> ReceiveAsync(HttpRequest request, string? path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!SecretMatches(path))
        {
            // Same answer as an unknown path: the URL is the credential, so say nothing about it.
            logger.LogWarning("DeepCall webhook: request with a wrong or missing secret refused");
            return new PushReceipt(Results.NotFound());
        }
        if (HttpMethods.IsGet(request.Method))
        {
            return new PushReceipt(Results.Text(Handshake, "text/plain"));
        }
        var body = await ReadBodyAsync(request, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return Problem("The body is too large", $"A push report must not exceed {_options.MaxBodyBytes} bytes.");
        }
        if (body.Length == 0)
        {
            return new PushReceipt(Results.Text(Handshake, "text/plain"));
        }
        var report = Unwrap(request, body);
        if (report is null)
        {
            return Problem("No report", "Form bodies must carry the report in the push_report field.");
        }
        string? callId = null;
        string? idError = null;
        try
        {
            using var doc = JsonDocument.Parse(report);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Problem("Not a report", "The push report must be a JSON object.");
            }
            if (SafeJson.TryGet(doc.RootElement, "callId", out var id))
            {
                // Invalid UTF-8 or a lone surrogate in the id is an error here (400), never a 500.
                idError = JsonValues.Text(id, "callId", out callId);
            }
        }
        catch (JsonException)
        {
            return Problem("Not JSON", "The push report is not valid JSON.");
        }
        if (callId is null)
        {
            return Problem("No call id", idError is null ? "The push report has no callId." : $"The push report's {idError}.");
        }
        return new PushReceipt(Results.Text(Handshake, "text/plain"), new PushedDocument($"push-{callId}", report, Records: 1));
    }

    private bool SecretMatches(string? given)
    {
        if (string.IsNullOrEmpty(_options.Secret) || string.IsNullOrEmpty(given))
        {
            return false;
        }
        // Hashing first makes the comparison independent of the lengths, too.
        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(_options.Secret)));
    }

    /// <summary>The body, or null when it is larger than the limit (read no further than the limit).</summary>
    private async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > _options.MaxBodyBytes)
        {
            return null;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > _options.MaxBodyBytes)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>A form body (by content type, or by its <c>push_report=</c> start) yields its field; JSON passes as is.</summary>
    private static byte[]? Unwrap(HttpRequest request, byte[] body)
    {
        var isForm = request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true
            || body.AsSpan().StartsWith("push_report="u8);
        if (!isForm)
        {
            return body;
        }
        var fields = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body));
        return fields.TryGetValue("push_report", out var value) && value.Count > 0 && !string.IsNullOrEmpty(value[0])
            ? Encoding.UTF8.GetBytes(value[0]!)
            : null;
    }

    private static PushReceipt Problem(string title, string detail) =>
        new(Results.Problem(title: title, detail: detail, statusCode: StatusCodes.Status400BadRequest));
}
