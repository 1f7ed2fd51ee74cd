using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace CdrFunctions.Simulators.Alotech;

/// <summary>Optional arrays a request asked for.</summary>
[Flags]
internal enum AlotechIncludes
{
    None = 0,
    CallHistory = 1,
    Csat = 2,
    CallTags = 4,
}

/// <summary>
/// <c>GET /api/?function=reportsCDRLogs</c>: a <c>callkey</c> lookup or a paged date-range listing. Order: injected
/// fault (like a gateway in front of the API, so it hits whatever request comes next), then token, then parameters.
/// </summary>
internal sealed class AlotechApiEndpoint(AlotechSimulatorState state)
{
    private const string TextPlain = "text/plain; charset=utf-8";
    private const string ApplicationJson = "application/json; charset=utf-8";

    /// <summary>Longest range served; every page materialises the whole range's call references.</summary>
    private static readonly TimeSpan MaxRange = TimeSpan.FromDays(31);
    private static readonly DateTime MinDate = new(1971, 1, 1);
    private static readonly DateTime MaxDate = new(3000, 1, 1);

    public async Task HandleAsync(HttpContext context)
    {
        var receivedAt = DateTimeOffset.UtcNow;
        var fault = state.Faults.TakeNext();
        int? status = null;
        try
        {
            await ServeAsync(context, fault, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
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
            // The token is a secret: logs and test output must never carry it.
            var query = context.Request.Query.ToDictionary(p => p.Key, p => p.Key == "app_token" ? "***" : p.Value.ToString(), StringComparer.Ordinal);
            state.Record(new AlotechRequestLog(receivedAt, context.Request.Method, context.Request.PathBase.Add(context.Request.Path).Value ?? "/",
                query, status ?? context.Response.StatusCode, fault));
        }
    }

    private async Task ServeAsync(HttpContext context, AlotechFault? fault, CancellationToken ct)
    {
        // Faults are stateless: nothing advances, so a retry with the same cursor gets the same page.
        switch (fault)
        {
            case AlotechFault.Slow:
                await Task.Delay(state.Faults.SlowDelay, ct).ConfigureAwait(false);
                break;
            case AlotechFault.TooManyRequests:
                context.Response.Headers.RetryAfter = state.Faults.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                await TextAsync(context, StatusCodes.Status429TooManyRequests, "Too Many Requests", ct).ConfigureAwait(false);
                return;
            case AlotechFault.ServerError:
                await TextAsync(context, StatusCodes.Status500InternalServerError, "Internal Server Error", ct).ConfigureAwait(false);
                return;
            case AlotechFault.NonJson:
                await TextAsync(context, StatusCodes.Status200OK, "<html><body>Service Temporarily Unavailable</body></html>", ct, "text/html; charset=utf-8").ConfigureAwait(false);
                return;
            case AlotechFault.ErrorJson:
                await TextAsync(context, StatusCodes.Status200OK, """{"success":false,"message":"Rate limit exceeded for tenant"}""", ct, ApplicationJson).ConfigureAwait(false);
                return;
        }

        var query = context.Request.Query;
        var token = Encoding.UTF8.GetBytes(query["app_token"].ToString());
        if (token.Length == 0 || !CryptographicOperations.FixedTimeEquals(token, Encoding.UTF8.GetBytes(state.Options.AppToken)))
        {
            await TextAsync(context, StatusCodes.Status401Unauthorized, "Invalid app_token", ct).ConfigureAwait(false);
            return;
        }
        var function = query["function"].ToString();
        if (function != "reportsCDRLogs")
        {
            await TextAsync(context, StatusCodes.Status400BadRequest, function.Length == 0 ? "Missing mandatory parameter: function" : "Unknown function: " + function, ct).ConfigureAwait(false);
            return;
        }
        var includes = (IsTrue(query, "include_call_history") ? AlotechIncludes.CallHistory : 0)
            | (IsTrue(query, "include_csat") ? AlotechIncludes.Csat : 0)
            | (IsTrue(query, "include_call_tags") ? AlotechIncludes.CallTags : 0);

        // As documented, callkey overrides every filter.
        if (query["callkey"].ToString() is { Length: > 0 } key)
        {
            await CallListAsync(context, state.FindCall(key) is { } call ? [call.ToServedJson(includes)] : [], cursor: null, ct).ConfigureAwait(false);
            return;
        }
        var (error, listing) = ReadListing(query);
        var offset = error is null ? Offset(listing, query["cursor"].ToString()) : null;
        if (offset is null)
        {
            await TextAsync(context, StatusCodes.Status400BadRequest, error ?? "Invalid cursor", ct).ConfigureAwait(false);
            return;
        }
        var pageSize = fault == AlotechFault.ShortPage ? Math.Max(1, state.Options.PageSize / 2) : state.Options.PageSize;
        var page = state.Generator.RefsForLocalRange(listing.Start, listing.Finish, listing.Ascending)
            .Skip(offset.Value).Take(pageSize)
            .Select(reference => state.Generator.Create(reference).ToServedJson(includes))
            .ToList();
        // Returned on every page, the last one too; past the end it no longer changes and CallList is empty.
        var next = fault == AlotechFault.StuckCursor ? offset.Value : offset.Value + page.Count;
        await CallListAsync(context, page, Cursor(listing, next), ct).ConfigureAwait(false);
    }

    private static (string? Error, Listing Listing) ReadListing(IQueryCollection query)
    {
        if (ReadDate(query, "startdate", out var start) is { } startError)
        {
            return (startError, default);
        }
        if (ReadDate(query, "finishdate", out var finish) is { } finishError)
        {
            return (finishError, default);
        }
        var sorting = query["sorting"].ToString();
        return finish < start ? ("finishdate must not be before startdate", default)
            : finish - start > MaxRange ? ("Date range too long: the simulator serves at most 31 days per request", default)
            : sorting is not ("" or "asc" or "desc") ? ("Invalid sorting: use asc or desc", default)
            : (null, new Listing(start, finish, sorting == "asc"));
    }

    private static string? ReadDate(IQueryCollection query, string name, out DateTime value)
    {
        var text = query[name].ToString();
        value = default;
        return text.Length == 0 ? "Missing mandatory parameter: " + name
            : !DateTime.TryParseExact(text, AlotechCallFactory.DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out value) ? $"Invalid {name}: expected {AlotechCallFactory.DateFormat}"
            : value < MinDate || value >= MaxDate ? $"Invalid {name}: out of the supported range"
            : null;
    }

    /// <summary>An opaque cursor: base64url of the listing's filters and how many records were served.</summary>
    private static string Cursor(Listing listing, int offset) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(listing.CursorPrefix + offset.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Null for a cursor that is not one of ours or belongs to other filters.</summary>
    private static int? Offset(Listing listing, string cursor)
    {
        if (cursor.Length == 0)
        {
            return 0;
        }
        if (cursor.Length > 512 || !Base64Url.IsValid(cursor))
        {
            return null;
        }
        var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        return text.StartsWith(listing.CursorPrefix, StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(listing.CursorPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var offset) ? offset : null;
    }

    private static bool IsTrue(IQueryCollection query, string name) => string.Equals(query[name].ToString(), "true", StringComparison.OrdinalIgnoreCase);

    private static async Task TextAsync(HttpContext context, int status, string text, CancellationToken ct, string contentType = TextPlain)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(text, ct).ConfigureAwait(false);
    }

    /// <summary><c>{"CallList":[...],"cursor":"..."}</c>; the cursor is left out for key lookups.</summary>
    private static async Task CallListAsync(HttpContext context, IEnumerable<string> records, string? cursor, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, AlotechCallFactory.WriterOptions))
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
        }
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = ApplicationJson;
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, ct).ConfigureAwait(false);
    }

    /// <summary>A date-range listing: local times in the tenant's zone, both ends inclusive.</summary>
    private readonly record struct Listing(DateTime Start, DateTime Finish, bool Ascending)
    {
        public string CursorPrefix => $"{AlotechCallFactory.FormatDate(Start)}|{AlotechCallFactory.FormatDate(Finish)}|{(Ascending ? "asc" : "desc")}|";
    }
}
