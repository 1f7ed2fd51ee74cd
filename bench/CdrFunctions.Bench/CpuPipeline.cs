using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure.Data.Tables;
using CdrFunctions.Pipeline.Landing;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Pipeline.Storage;
using CdrFunctions.Pipeline.Vendors;
using CdrFunctions.Vendors.Alotech;
using Microsoft.Extensions.DependencyInjection;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace CdrFunctions.Bench;

/// <summary>
/// The CPU side of normalizing one raw window as <see cref="Normalizer"/> does it, with its own classes, on bytes in
/// memory and with no storage: <see cref="RawFileReader"/> parses into the record store (spilling past
/// <see cref="NormalizeOptions.RecordsInMemory"/>, as production does), the entities are built a wave of the
/// resolver at a time, and the curated files are written from <see cref="CuratedCalls"/> in their order.
/// </summary>
internal static class CpuPipeline
{
    public const string BlobName = "alotech/2026/11/22/1000.json";

    private static readonly AlotechOptions Options = new();
    private static readonly RawFileInfo File = new(BlobName, null);
    private static readonly RawBlobName Name = RawBlobName.TryParse(BlobName, out var name) ? name : throw new InvalidOperationException($"'{BlobName}' is not a raw blob name.");
    private static readonly AlotechVendor Vendor = new(MsOptions.Create(Options), new ServiceCollection().BuildServiceProvider());

    /// <summary>The production reader; its storage is only used for the files after a window, which Alotech does not read.</summary>
    private static readonly RawFileReader Reader = new(CdrStorage.FromConnectionString(CdrStorage.DevelopmentStorage), MsOptions.Create(new NormalizeOptions()));

    /// <summary>Baseline: the cost of just reading the JSON (one DOM, every property's name and value).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    /// <summary>Parse, limits, de-duplication, table entities, ordering and the curated CSV: the normalizer's CPU work.</summary>
    public static async Task<(int Records, List<CallRowDictionary> Entities)> NormalizeAsync(byte[] raw, CancellationToken cancellationToken)
    {
        var entities = new List<CallRowDictionary>();
        await using var stream = new MemoryStream(raw, writable: false);
        var records = await NormalizeAsync(stream, entities.Add, parquet: false, cancellationToken);
        return (records, entities);
    }

    /// <summary>
    /// The same keeping no entity, as the normalizer keeps only a wave's: the CPU figure (keeping all 120,000 alive made
    /// every garbage collection of the step walk them).
    /// </summary>
    public static async Task<int> NormalizeCountAsync(byte[] raw, CancellationToken cancellationToken)
    {
        await using var stream = new MemoryStream(raw, writable: false);
        return await NormalizeAsync(stream, static _ => { }, parquet: false, cancellationToken);
    }

    /// <summary>The same from a stream, the Parquet file too, keeping no entity: what one window costs in memory.</summary>
    public static Task<int> NormalizeStreamAsync(Stream raw, CancellationToken cancellationToken) =>
        NormalizeAsync(raw, static _ => { }, parquet: true, cancellationToken);

    private static async Task<int> NormalizeAsync(Stream raw, Action<CallRowDictionary> onEntity, bool parquet, CancellationToken cancellationToken)
    {
        using var parsed = await Reader.ReadAsync(Vendor, Name, raw, window: null, cancellationToken);
        if (parsed.Quarantined.Count > 0)
        {
            throw new InvalidOperationException($"Unexpected quarantine: {parsed.Quarantined[0]}");
        }
        var calls = parsed.Calls;
        // As the resolver writes them: a wave of buckets at a time, its records read back from the store. The
        // resolver adds two columns (the claim shown and the key start) to each.
        foreach (var wave in CallRowResolver.Waves(CallRowResolver.BucketGroups(calls.Ids)))
        {
            foreach (var (id, record) in calls.GetMany(wave.SelectMany(ids => ids)))
            {
                foreach (var entity in CallEntityMapper.ToEntities(record, calls.KeyStartOf(id)))
                {
                    onEntity(entity);
                }
            }
        }
        var curated = new CuratedCalls(calls);
        foreach (var id in calls.Ids)
        {
            curated.Add(id, calls.KeyStartOf(id), record: null);
        }
        await CuratedCsv.WriteAsync(curated.Records(), Stream.Null, cancellationToken);
        if (parquet)
        {
            await CuratedParquet.WriteAsync(curated.Records(), Stream.Null, cancellationToken);
        }
        return calls.Count;
    }

    private static async IAsyncEnumerable<CallRecord> ParseRecordsAsync(byte[] raw, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = new MemoryStream(raw, writable: false);
        using var parser = AlotechVendor.CreateParser(Options);
        await foreach (var result in parser.ParseAsync(stream, File, cancellationToken))
        {
            yield return result.Record ?? throw new InvalidOperationException($"Unexpected quarantine: {result.Quarantined}");
        }
    }
}
