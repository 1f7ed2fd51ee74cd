using System.Text;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Vendors;
using CdrFunctions.Vendors.Alotech;
using CdrFunctions.Vendors.DeepCall;
using CdrFunctions.Vendors.EngageVoice;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CdrFunctions.Tests.Robustness;

/// <summary>Runs each vendor's parser over raw bytes, as the normalizer does.</summary>
internal static class ParserRuns
{
    public static string Payload(string vendor, string file) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Payloads", vendor, file));

    public static Task<List<ParseResult>> AlotechAsync(byte[] raw)
    {
        var parser = AlotechVendor.CreateParser(new AlotechOptions());
        return CollectAsync(parser.ParseAsync(new MemoryStream(raw), new RawFileInfo("alotech/2025/11/22/1000.json", null), CancellationToken.None), parser);
    }

    public static Task<List<ParseResult>> DeepCallAsync(byte[] raw) =>
        CollectAsync(DeepCallVendor.CreateParser(new DeepCallOptions()).ParseAsync(new MemoryStream(raw), CancellationToken.None), null);

    public static Task<List<ParseResult>> EngageVoiceAsync(byte[] raw)
    {
        var parser = EngageVoiceVendor.CreateParser(new EngageVoiceOptions());
        return CollectAsync(parser.ParseAsync(new MemoryStream(raw), new RawFileInfo("engagevoice/2020/04/20/1000.csv", null), CancellationToken.None), parser);
    }

    /// <summary>The Engage Voice vendor on the interaction-metadata stream, parsing one file without followers.</summary>
    public static Task<List<ParseResult>> InteractionMetadataAsync(byte[] raw)
    {
        var vendor = new EngageVoiceVendor(Options.Create(new EngageVoiceOptions { Stream = EngageVoiceStream.InteractionMetadata }), new ServiceCollection().BuildServiceProvider());
        return CollectAsync(vendor.ParseAsync(new MemoryStream(raw), new RawFileInfo("engagevoice/2024/07/22/1100.json", null), CancellationToken.None), null);
    }

    public static Task<List<ParseResult>> AlotechAsync(string json) => AlotechAsync(Encoding.UTF8.GetBytes(json));

    public static Task<List<ParseResult>> DeepCallAsync(string json) => DeepCallAsync(Encoding.UTF8.GetBytes(json));

    public static Task<List<ParseResult>> EngageVoiceAsync(string csv) => EngageVoiceAsync(Encoding.UTF8.GetBytes(csv));

    private static async Task<List<ParseResult>> CollectAsync(IAsyncEnumerable<ParseResult> results, IDisposable? parser)
    {
        using (parser)
        {
            var list = new List<ParseResult>();
            await foreach (var r in results)
            {
                list.Add(r);
            }
            return list;
        }
    }

    /// <summary>Bytes of <paramref name="text"/> with <paramref name="marker"/> replaced by raw bytes (e.g. invalid UTF-8).</summary>
    public static byte[] WithBytes(string text, string marker, byte[] bytes)
    {
        var at = text.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(at >= 0, $"marker {marker} not found");
        return [.. Encoding.UTF8.GetBytes(text[..at]), .. bytes, .. Encoding.UTF8.GetBytes(text[(at + marker.Length)..])];
    }

    public static string[] Warnings(CallRecord call) =>
        call.Extras.ToJsonObject()["_warnings"]?.AsArray().Select(n => n!.GetValue<string>()).ToArray() ?? [];
}
