using System.Buffers.Text;
using System.Text;
using Azure;
using Azure.Data.Tables;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Pipeline.Phones;
using CdrFunctions.Pipeline.Storage;

namespace CdrFunctions.Pipeline.Lookup;

public sealed record CallPage(IReadOnlyList<CallRecord> Calls, string? ContinuationToken);

/// <summary>A lookup argument that is wrong; surfaces as a 400 naming <see cref="Field"/>.</summary>
public sealed class LookupArgumentException(string field, string message) : ArgumentException(message, field)
{
    public string Field { get; } = field;
}

/// <summary>
/// Reads calls back: one point read by (vendor, callId); a range query on a number's partition for
/// calls in <c>[from, to)</c>, newest first, paged with an opaque continuation token.
/// </summary>
public sealed class CallLookup(CdrStorage storage)
{
    public const int MaxPageSize = 1000;
    private const string TokenPrefix = "v1.";

    /// <summary>A token this API wrote is valid UTF-8; anything else is refused rather than passed on repaired.</summary>
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // Only numbers written with '+' are reformatted (the region is then irrelevant); others are matched by their digits.
    private static readonly PhoneNumberNormalizer InternationalNumbers = new("US");

    /// <summary>The form a number is stored under: E.164 for international numbers, else its digits.</summary>
    public static string? QueryNumber(string number) =>
        number.TrimStart().StartsWith('+') ? InternationalNumbers.Normalize(number) : PhoneNumberNormalizer.DigitsAsGiven(number);

    public async Task<CallRecord?> GetAsync(string vendor, string callId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(callId) || callId.Length > RecordLimits.MaxIdChars)
        {
            throw new LookupArgumentException("callId", $"callId must be 1 to {RecordLimits.MaxIdChars} characters.");
        }
        await storage.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var (pk, rk) = TableKeys.ById(vendor, callId);
        var response = await storage.Calls.GetEntityIfExistsAsync<TableEntity>(pk, rk, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? CallEntityMapper.FromEntity(response.Value!) : null;
    }

    /// <param name="number">As stored: E.164 (<c>+90...</c>) or the digits the vendor gave.</param>
    public async Task<CallPage> ListByNumberAsync(
        string number, DateTimeOffset from, DateTimeOffset to, string? vendor, int limit, string? continuationToken, CancellationToken cancellationToken)
    {
        var stored = string.IsNullOrWhiteSpace(number) || number.Length > 64 ? null : QueryNumber(number);
        if (stored is null)
        {
            throw new LookupArgumentException("number", "number must be a phone number with digits, e.g. +905321234567.");
        }
        if (from >= to)
        {
            throw new LookupArgumentException("from", $"from ({IsoUtc.Format(from)}) must be before to ({IsoUtc.Format(to)}).");
        }
        if (limit is < 1 or > MaxPageSize)
        {
            throw new LookupArgumentException("limit", $"limit must be between 1 and {MaxPageSize}.");
        }
        var serviceToken = DecodeToken(continuationToken);
        await storage.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);

        var (lower, upper) = TableKeys.NumberRange(from, to);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.NumberPartition(stored)} and RowKey ge {lower} and RowKey lt {upper}");
        if (!string.IsNullOrEmpty(vendor))
        {
            filter += " and " + TableClient.CreateQueryFilter($"Vendor eq {vendor}");
        }
        var calls = new List<CallRecord>(limit);
        string? next = serviceToken;
        // The service may return short or empty pages with a continuation; keep reading until the page is full.
        do
        {
            var pages = storage.Calls.QueryAsync<TableEntity>(filter, maxPerPage: limit - calls.Count, cancellationToken: cancellationToken)
                .AsPages(next, limit - calls.Count);
            Page<TableEntity>? page = null;
            await foreach (var p in pages.ConfigureAwait(false))
            {
                page = p;
                break;
            }
            if (page is null)
            {
                next = null;
                break;
            }
            calls.AddRange(page.Values.Select(CallEntityMapper.FromEntity));
            next = page.ContinuationToken;
        }
        while (next is not null && calls.Count < limit);
        return new CallPage(calls, EncodeToken(next));
    }

    private static string? EncodeToken(string? serviceToken) =>
        serviceToken is null ? null : TokenPrefix + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(serviceToken));

    private static string? DecodeToken(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }
        try
        {
            if (!token.StartsWith(TokenPrefix, StringComparison.Ordinal))
            {
                throw new FormatException();
            }
            var decoded = StrictUtf8.GetString(Base64Url.DecodeFromChars(token.AsSpan(TokenPrefix.Length)));
            if (decoded.Length == 0 || decoded.Any(char.IsControl))
            {
                throw new FormatException();
            }
            return decoded;
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            throw new LookupArgumentException("continuationToken", "continuationToken is not a token this API returned.");
        }
    }
}
