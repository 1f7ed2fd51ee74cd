using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace CdrFunctions.Simulators.Alotech;

/// <summary>Writes the simulator's response bodies.</summary>
internal static class AlotechResponses
{
    public const string TextPlain = "text/plain; charset=utf-8";
    public const string ApplicationJson = "application/json; charset=utf-8";
    public const string NonJsonBody = "<html><body>Service Temporarily Unavailable</body></html>";
    public const string ErrorJsonBody = """{"success":false,"message":"Rate limit exceeded for tenant"}""";

    public static async Task WriteTextAsync(HttpContext context, int status, string text, CancellationToken cancellationToken, string contentType = TextPlain)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(text, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>{"CallList":[...],"cursor":"..."}</c>; the cursor is left out for key lookups.</summary>
    public static Task WriteCallListAsync(HttpContext context, IEnumerable<string> records, string? cursor, CancellationToken cancellationToken) =>
        WriteJsonAsync(context, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("CallList");
            foreach (var record in records)
            {
                writer.WriteRawValue(record);
            }

            writer.WriteEndArray();
            if (cursor is not null)
            {
                writer.WriteString("cursor", cursor);
            }

            writer.WriteEndObject();
        }, cancellationToken);

    public static async Task WriteJsonAsync(HttpContext context, Action<Utf8JsonWriter> write, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, AlotechJson.WriterOptions))
        {
            write(writer);
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = ApplicationJson;
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
    }

    public static Task WriteFaultAsync(HttpContext context, AlotechFault fault, int retryAfterSeconds, CancellationToken cancellationToken)
    {
        switch (fault)
        {
            case AlotechFault.TooManyRequests:
                context.Response.Headers[HeaderNames.RetryAfter] = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                return WriteTextAsync(context, StatusCodes.Status429TooManyRequests, "Too Many Requests", cancellationToken);
            case AlotechFault.ServerError:
                return WriteTextAsync(context, StatusCodes.Status500InternalServerError, "Internal Server Error", cancellationToken);
            case AlotechFault.NonJson:
                return WriteTextAsync(context, StatusCodes.Status200OK, NonJsonBody, cancellationToken, "text/html; charset=utf-8");
            case AlotechFault.ErrorJson:
                return WriteTextAsync(context, StatusCodes.Status200OK, ErrorJsonBody, cancellationToken, ApplicationJson);
            default:
                throw new ArgumentOutOfRangeException(nameof(fault), fault, "This fault has no response of its own.");
        }
    }
}
