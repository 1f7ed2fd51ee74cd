using System.Text;
using System.Text.Json;
using CdrFunctions.Pipeline.Parsing;
using CdrFunctions.Pipeline.Security;
using CdrFunctions.Pipeline.Vendors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CdrFunctions.Vendors.DeepCall;

/// <summary>
/// DeepCall's push-report webhook: one report per call, POSTed as JSON or form-encoded <c>push_report=&lt;json&gt;</c>.
/// Each report is returned to the pipeline, which lands it as <c>cdr-raw/deepcall/{yyyy}/{MM}/{dd}/push-{callId}.json</c>
/// (the day it arrived), so the normal normalize path reads it. DeepCall activates a webhook only when it answers the
/// text <c>GODBLESSYOU</c>, so every accepted request (GET, empty POST, report) answers that.
/// The URL <c>/api/webhooks/deepcall</c> carries no secret: the host authenticates the caller with a function key in
/// <c>?code=</c> or the <c>x-functions-key</c> header (the Functions host for <c>AuthorizationLevel.Function</c>, the
/// local host with its key check) and strips <c>code</c> from its request telemetry. The old form with a shared
/// secret as the last path segment (<c>Vendors:DeepCall:Webhook:Secret</c>) still works for this release, behind the
/// same key, and answers with a <c>Deprecation</c> header and a logged warning.
/// </summary>
public sealed class DeepCallWebhook(IOptions<DeepCallOptions> options, ILogger<DeepCallWebhook> logger) : IPushReceiver
{
    public const string Handshake = "GODBLESSYOU";

    /// <summary>Response header of the deprecated URL form (RFC 9745).</summary>
    public const string DeprecationHeader = "Deprecation";

    private readonly DeepCallWebhookOptions _options = options.Value.Webhook;

    public string Vendor => DeepCallVendor.VendorName;

    /// <summary>
    /// ASP.NET Core's hosting and routing logs write request paths, which carry the secret of the deprecated URL
    /// form. A host that mounts the webhook calls this so those categories log warnings only (they never carry paths).
    /// These are defaults: the rules go first, so a level an operator configures for the same category wins (the
    /// hosts' log redaction still removes the secret from those lines).
    /// </summary>
    public static void KeepSecretOutOfLogs(ILoggingBuilder logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging.Services.Configure<LoggerFilterOptions>(options =>
        {
            foreach (var category in (string[])["Microsoft.AspNetCore.Hosting.Diagnostics", "Microsoft.AspNetCore.Routing", "Microsoft.AspNetCore.Server.Kestrel"])
            {
                options.Rules.Insert(0, new LoggerFilterRule(null, category, LogLevel.Warning, null));
            }
        });
    }

    /// <param name="path">The path after <c>webhooks/deepcall/</c>: empty, or the secret of the deprecated form.</param>
    public async Task<PushReceipt> ReceiveAsync(HttpRequest request, string? path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!string.IsNullOrEmpty(path))
        {
            if (!SecretComparison.Matches(path, _options.Secret))
            {
                // Same answer as an unknown path: the old URL is a credential, so say nothing about it.
                logger.LogWarning("DeepCall webhook: request with a wrong secret in the path refused");
                return new PushReceipt(Results.NotFound());
            }
            logger.LogWarning("DeepCall webhook: the URL form with a secret in the path is deprecated and goes in the next release; "
                + "give DeepCall .../api/webhooks/deepcall with the function key in ?code= or the x-functions-key header (docs/security.md)");
            request.HttpContext.Response.Headers[DeprecationHeader] = "true";
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
