using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace CdrFunctions.Pipeline.Storage;

/// <summary>
/// Builds PartitionKey/RowKey values from untrusted vendor ids. Table keys forbid <c>/ \ # ?</c> and
/// control characters and are capped at 1 KiB; the escaping is injective (<c>%</c> escapes itself), so two
/// different ids never share a key, and readable for normal ids.
/// </summary>
public static class TableKeys
{
    /// <summary>Escaped ids longer than this are replaced by a hash, keeping keys far below the 1 KiB limit.</summary>
    public const int MaxEscapedLength = 400;

    /// <summary>Buckets for the by-id partitions: spreads a window's calls so batches run in parallel.</summary>
    public const int IdBuckets = 32;

    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var needs = false;
        foreach (var c in value)
        {
            if (IsReserved(c))
            {
                needs = true;
                break;
            }
        }
        var escaped = needs ? EscapeSlow(value) : value;
        if (escaped.Length <= MaxEscapedLength)
        {
            return escaped;
        }
        // Long ids: a readable prefix plus a hash of the whole id; '~' never starts an escaped id that fits.
        var hash = XxHash128.Hash(Encoding.UTF8.GetBytes(value));
        return string.Concat(escaped.AsSpan(0, 64), "~", Convert.ToHexStringLower(hash));
    }

    private static bool IsReserved(char c) =>
        c is '/' or '\\' or '#' or '?' or '%' or '~' || char.IsControl(c) || char.IsSurrogate(c) || c == '\uFFFE' || c == '\uFFFF';

    private static string EscapeSlow(string value)
    {
        var sb = new StringBuilder(value.Length + 16);
        foreach (var c in value)
        {
            if (IsReserved(c))
            {
                sb.Append('%').Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    public static string Bucket(string callId)
    {
        var hash = XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(callId));
        return (hash % IdBuckets).ToString("x2", CultureInfo.InvariantCulture);
    }

    /// <summary>Point entity of a call: one read by (vendor, callId).</summary>
    public static (string PartitionKey, string RowKey) ById(string vendor, string callId) =>
        ($"id|{vendor}|{Bucket(callId)}", Escape(callId));

    /// <summary>All calls of one vendor and UTC day, for reconciliation with raw window counts.</summary>
    public static (string PartitionKey, string RowKey) ByDay(string vendor, DateTimeOffset dayOf, string callId) =>
        (string.Create(CultureInfo.InvariantCulture, $"day|{vendor}|{dayOf.UtcDateTime:yyyyMMdd}"), Escape(callId));

    /// <summary>Calls of one phone number, newest first: the row key starts with inverted start ticks.</summary>
    public static (string PartitionKey, string RowKey) ByNumber(string number, DateTimeOffset start, string vendor, string callId) =>
        ($"num|{Escape(number)}", string.Create(CultureInfo.InvariantCulture, $"{InvertedTicks(start)}|{vendor}|{Escape(callId)}"));

    public static string NumberPartition(string number) => $"num|{Escape(number)}";

    /// <summary>19 digits; ascending order of this string is descending order of time.</summary>
    public static string InvertedTicks(DateTimeOffset instant) =>
        (DateTimeOffset.MaxValue.UtcTicks - instant.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>Row-key bounds selecting start times in <c>[from, to)</c> of a number partition.</summary>
    public static (string LowerInclusive, string UpperExclusive) NumberRange(DateTimeOffset from, DateTimeOffset to) =>
        (InvertedTicks(OneTickBefore(to)), InvertedTicks(OneTickBefore(from)));

    private static DateTimeOffset OneTickBefore(DateTimeOffset instant) =>
        instant.UtcTicks == 0 ? new DateTimeOffset(0, TimeSpan.Zero) : instant.ToUniversalTime().AddTicks(-1);
}
