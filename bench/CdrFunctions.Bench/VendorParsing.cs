using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using CdrFunctions.Pipeline.Vendors;
using CdrFunctions.Vendors.DeepCall;
using CdrFunctions.Vendors.EngageVoice;
using CsvHelper;

namespace CdrFunctions.Bench;

/// <summary>DeepCall and Engage Voice parsers against the cheapest faithful read of the same bytes.</summary>
internal static class VendorParsing
{
    private static readonly DeepCallOptions DeepCall = new();
    private static readonly EngageVoiceOptions EngageVoice = new();

    /// <summary>Baseline: one <see cref="JsonDocument"/> of the file, every property's name and value read, nested ones too.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int ReadDeepCallJson(byte[] raw)
    {
        using var document = JsonDocument.Parse(raw);
        long checksum = 0;
        Walk(document.RootElement, ref checksum);
        var root = document.RootElement;
        // Calls: listed ones, whose details replace them.
        var calls = root.GetProperty("list").EnumerateArray().Sum(page => page.GetProperty("data").GetArrayLength());
        return checksum > 0 ? calls : 0;
    }

    private static void Walk(JsonElement e, ref long checksum)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    checksum += p.Name.Length;
                    Walk(p.Value, ref checksum);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray())
                {
                    Walk(item, ref checksum);
                }
                break;
            case JsonValueKind.String:
                checksum += e.GetString()!.Length;
                break;
            case JsonValueKind.Number:
                checksum += (long)e.GetDouble();
                break;
            case JsonValueKind.True:
                checksum++;
                break;
        }
    }

    public static async Task<int> ParseDeepCallAsync(byte[] raw, CancellationToken cancellationToken)
    {
        var parser = DeepCallVendor.CreateParser(DeepCall);
        await using var stream = new MemoryStream(raw, writable: false);
        var calls = 0;
        await foreach (var result in parser.ParseAsync(stream, cancellationToken))
        {
            calls += result.Record is not null ? 1 : throw new InvalidOperationException($"Unexpected quarantine: {result.Quarantined}");
        }
        return calls;
    }

    /// <summary>Baseline: CsvHelper reading every field of every row as a string, as a plain CSV import does.</summary>
    public static async Task<int> ReadEngageVoiceCsvAsync(byte[] raw, CancellationToken cancellationToken)
    {
        await using var stream = new MemoryStream(raw, writable: false);
        await using var csv = CsvReader.Create(stream, new CsvReaderOptions { Separator = ',', HasHeader = true, FormatProvider = CultureInfo.InvariantCulture });
        int rows = 0;
        long checksum = 0;
        while (await csv.ReadAsync(cancellationToken))
        {
            rows++;
            for (var i = 0; i < csv.FieldCount; i++)
            {
                checksum += csv.GetString(i)?.Length ?? 0;
            }
        }
        return checksum > 0 ? rows : 0;
    }

    public static async Task<int> ParseEngageVoiceAsync(byte[] raw, CancellationToken cancellationToken)
    {
        using var parser = EngageVoiceVendor.CreateParser(EngageVoice);
        await using var stream = new MemoryStream(raw, writable: false);
        var calls = 0;
        await foreach (var result in parser.ParseAsync(stream, new RawFileInfo("engagevoice/2026/11/22/0000.csv", null), cancellationToken))
        {
            calls += result.Record is not null ? 1 : throw new InvalidOperationException($"Unexpected quarantine: {result.Quarantined}");
        }
        return calls;
    }
}
