using System.Text.Json;
using Azure.Data.Tables;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Pipeline.Vendors;
using CdrFunctions.Vendors.Alotech;

namespace CdrFunctions.Bench;

/// <summary>The CPU side of normalizing one raw window, step by step as <see cref="Normalizer"/> does it, on bytes in memory.</summary>
internal static class CpuPipeline
{
    public const string BlobName = "alotech/2026/11/22/1000.json";

    /// <summary>What the normalizer falls back to for calls without a start: the window start of <see cref="BlobName"/>.</summary>
    public static readonly DateTimeOffset FallbackStart = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    private static readonly AlotechOptions Options = new();
    private static readonly RawFileInfo File = new(BlobName, null);

    /// <summary>Baseline: the cost of just reading the JSON (one DOM, every property's name and value).</summary>
    public static int ReadJson(byte[] raw)
    {
        using var document = JsonDocument.Parse(raw);
        var records = 0;
        long checksum = 0;
        foreach (var page in document.RootElement.EnumerateArray())
        {
            foreach (var record in page.GetProperty("CallList").EnumerateArray())
            {
                records++;
                foreach (var property in record.EnumerateObject())
                {
                    checksum += property.Name.Length + ValueOf(property.Value);
                }
            }
        }
        // The checksum only keeps the reads from being optimized away.
        return checksum > 0 ? records : 0;
    }

    private static long ValueOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!.Length,
        JsonValueKind.Number => (long)value.GetDouble(),
        JsonValueKind.True => 1,
        _ => 0,
    };

    /// <summary>The vendor parser alone; a fresh parser per file, as <see cref="AlotechVendor.ParseAsync"/> makes one.</summary>
    public static async Task<int> ParseAsync(byte[] raw, CancellationToken cancellationToken)
    {
        var records = 0;
        await foreach (var _ in ParseRecordsAsync(raw, cancellationToken))
        {
            records++;
        }
        return records;
    }

    /// <summary>Parse, limits, de-duplication, ordering, table entities and the curated CSV: all the normalizer computes.</summary>
    public static async Task<(int Records, List<TableEntity> Entities)> NormalizeAsync(byte[] raw, CancellationToken cancellationToken)
    {
        var entities = new List<TableEntity>();
        await using var stream = new MemoryStream(raw, writable: false);
        var records = await NormalizeAsync(stream, entities.Add, cancellationToken);
        return (records, entities);
    }

    /// <summary>The same from a stream, keeping no entity: what one window costs in memory.</summary>
    public static Task<int> NormalizeStreamAsync(Stream raw, CancellationToken cancellationToken) =>
        NormalizeAsync(raw, static _ => { }, cancellationToken);

    private static async Task<int> NormalizeAsync(Stream raw, Action<TableEntity> onEntity, CancellationToken cancellationToken)
    {
        var calls = new Dictionary<string, CallRecord>(StringComparer.Ordinal);
        await foreach (var parsed in ParseRecordsAsync(raw, cancellationToken))
        {
            var record = parsed with { RawBlob = BlobName };
            if (RecordLimits.Violation(record) is null)
            {
                calls[record.CallId] = record;
            }
        }
        var ordered = calls.Values.OrderBy(c => c.StartUtc ?? FallbackStart).ThenBy(c => c.CallId, StringComparer.Ordinal).ToList();
        foreach (var entity in ordered.SelectMany(c => CallEntityMapper.ToEntities(c, FallbackStart)))
        {
            onEntity(entity);
        }
        await CuratedCsv.WriteAsync(ordered, Stream.Null, cancellationToken);
        return ordered.Count;
    }

    private static async IAsyncEnumerable<CallRecord> ParseRecordsAsync(Stream raw, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var parser = AlotechVendor.CreateParser(Options);
        await foreach (var result in parser.ParseAsync(raw, File, cancellationToken))
        {
            yield return result.Record ?? throw new InvalidOperationException($"Unexpected quarantine: {result.Quarantined}");
        }
    }

    private static async IAsyncEnumerable<CallRecord> ParseRecordsAsync(byte[] raw, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = new MemoryStream(raw, writable: false);
        await foreach (var record in ParseRecordsAsync(stream, cancellationToken))
        {
            yield return record;
        }
    }
}
