using System.Buffers;
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

    public static string Bucket(string callId) => BucketNames[BucketOf(callId)];

    private static readonly string[] BucketNames = [.. Enumerable.Range(0, IdBuckets).Select(b => b.ToString("x2", CultureInfo.InvariantCulture))];

    /// <summary>The hash of the id's UTF-8 bytes, taken without an array per call (ids are short; a long one rents one).</summary>
    private static int BucketOf(string callId)
    {
        const int OnStack = 512;
        var most = Encoding.UTF8.GetMaxByteCount(callId.Length);
        var rented = most > OnStack ? ArrayPool<byte>.Shared.Rent(most) : null;
        try
        {
            Span<byte> bytes = rented ?? stackalloc byte[OnStack];
            var length = Encoding.UTF8.GetBytes(callId, bytes);
            return (int)(XxHash32.HashToUInt32(bytes[..length]) % IdBuckets);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Point entity of a call: one read by (vendor, callId).</summary>
    public static (string PartitionKey, string RowKey) ById(string vendor, string callId) =>
        (IdPartition(vendor, callId), Escape(callId));

    /// <summary>The by-id partition of a call: its vendor and the bucket of its id.</summary>
    public static string IdPartition(string vendor, string callId)
    {
        var partitions = t_idPartitions;
        if (partitions is null || !string.Equals(partitions.Vendor, vendor, StringComparison.Ordinal))
        {
            // A thread normalizes one vendor's calls at a time: its 32 partition names are built once, not per call.
            t_idPartitions = partitions = new IdPartitions(vendor, new string?[IdBuckets]);
        }
        var bucket = BucketOf(callId);
        return partitions.Names[bucket] ??= $"id|{vendor}|{BucketNames[bucket]}";
    }

    /// <summary>All calls of one vendor and UTC day, for reconciliation with raw window counts.</summary>
    public static (string PartitionKey, string RowKey) ByDay(string vendor, DateTimeOffset dayOf, string callId) =>
        (DayPartition(vendor, dayOf), Escape(callId));

    /// <summary>The by-day partition of a vendor's calls starting on the UTC day of <paramref name="dayOf"/>.</summary>
    public static string DayPartition(string vendor, DateTimeOffset dayOf)
    {
        var day = dayOf.UtcDateTime.Date;
        var last = t_dayPartition;
        if (last is not null && last.Day == day && string.Equals(last.Vendor, vendor, StringComparison.Ordinal))
        {
            // A window's calls mostly share a day: its partition name is built once.
            return last.Name;
        }
        var name = string.Create(CultureInfo.InvariantCulture, $"day|{vendor}|{day:yyyyMMdd}");
        t_dayPartition = new DayPartitionName(vendor, day, name);
        return name;
    }

    /// <summary>Calls of one phone number, newest first: the row key starts with inverted start ticks.</summary>
    public static (string PartitionKey, string RowKey) ByNumber(string number, DateTimeOffset start, string vendor, string callId) =>
        (NumberPartition(number), NumberRow(start, vendor, Escape(callId)));

    public static string NumberPartition(string number) => $"num|{Escape(number)}";

    /// <summary>A by-number row key from the call's id already escaped (<see cref="Escape"/>).</summary>
    public static string NumberRow(DateTimeOffset start, string vendor, string escapedCallId) =>
        string.Create(CultureInfo.InvariantCulture, $"{Inverted(start):D19}|{vendor}|{escapedCallId}");

    /// <summary>19 digits; ascending order of this string is descending order of time.</summary>
    public static string InvertedTicks(DateTimeOffset instant) =>
        Inverted(instant).ToString("D19", CultureInfo.InvariantCulture);

    private static long Inverted(DateTimeOffset instant) => DateTimeOffset.MaxValue.UtcTicks - instant.UtcTicks;

    /// <summary>Row-key bounds selecting start times in <c>[from, to)</c> of a number partition.</summary>
    public static (string LowerInclusive, string UpperExclusive) NumberRange(DateTimeOffset from, DateTimeOffset to) =>
        (InvertedTicks(OneTickBefore(to)), InvertedTicks(OneTickBefore(from)));

    [ThreadStatic]
    private static IdPartitions? t_idPartitions;

    [ThreadStatic]
    private static DayPartitionName? t_dayPartition;

    private sealed record IdPartitions(string Vendor, string?[] Names);

    private sealed record DayPartitionName(string Vendor, DateTime Day, string Name);

    private static DateTimeOffset OneTickBefore(DateTimeOffset instant) =>
        instant.UtcTicks == 0 ? new DateTimeOffset(0, TimeSpan.Zero) : instant.ToUniversalTime().AddTicks(-1);
}
