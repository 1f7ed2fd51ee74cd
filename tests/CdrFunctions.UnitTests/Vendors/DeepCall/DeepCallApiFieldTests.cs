using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Parsing;
using CdrFunctions.Vendors.DeepCall;

namespace CdrFunctions.Tests.Vendors.DeepCall;

/// <summary>
/// The <c>api</c> field (JSON inside a JSON string) is copied token by token instead of through a JsonDocument
/// per call: the extras must hold what the document wrote, byte for byte, and the same repair warning.
/// </summary>
public class DeepCallApiFieldTests
{
    public static TheoryData<string> ApiTexts() =>
    [
        """{"callFirst":"agent","agent_id":"24"}""", """ { "a" : [1, 2.50, -0, 1e3, true, false, null, {}, []] } """, "[]", "42", "\"text\"", "null",
        """{"esc":"a\"b\\c\u00e7\n\u2028","\u0061":"x"}""", """{"ü":"Müller 😀"}""", """{"lone":"\ud800"}""", """{"\udc00":1}""",
        "", "   ", "{", "{\"a\":1,}", "[1,]", "{\"a\":1} {\"b\":2}", "1 2", "// c\n{}", "{\"a\":1} // c", "not json", "{'a':1}", "\uFEFF{}",
        new string('[', 64) + new string(']', 64), new string('[', 65) + new string(']', 65), "{\"a\":\"\t\"}", "01", "tru", "\"unterminated",
    ];

    [Theory]
    [MemberData(nameof(ApiTexts))]
    public async Task The_api_field_is_kept_as_its_document_wrote_it(string api)
    {
        var data = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Payloads", "DeepCall", "detail-example.json")))!["data"]!.DeepClone().AsObject();
        data["api"] = api;
        var parser = DeepCallVendor.CreateParser(new DeepCallOptions());
        var results = new List<ParseResult>();
        await foreach (var r in parser.ParseAsync(new MemoryStream(Encoding.UTF8.GetBytes(new JsonObject { ["data"] = data }.ToJsonString())), CancellationToken.None))
        {
            results.Add(r);
        }
        var call = Assert.Single(results).Record!;
        // A 64-deep api sits one level deeper in extras than a document reads by default.
        using var extras = JsonDocument.Parse(call.Extras.Json, new JsonDocumentOptions { MaxDepth = 128 });
        var (expected, repaired) = AsTheDocumentWroteIt(api);
        Assert.Equal(expected, extras.RootElement.GetProperty("api").GetRawText());
        var warnings = extras.RootElement.TryGetProperty("_warnings", out var w) ? w.EnumerateArray().Select(e => e.GetString()).ToList() : [];
        Assert.Equal(repaired, warnings.Any(x => x!.Contains("'api'", StringComparison.Ordinal)));
    }

    /// <summary>What the mapper wrote before: JsonDocument.Parse of the text, the root written with repairs; the text itself when it is not JSON.</summary>
    private static (string Json, bool Repaired) AsTheDocumentWroteIt(string text)
    {
        var buffer = new ArrayBufferWriter<byte>();
        bool repaired;
        using (var writer = new Utf8JsonWriter(buffer, CallExtras.WriterOptions))
        {
            JsonDocument? inner = null;
            try
            {
                inner = text.Length == 0 ? null : JsonDocument.Parse(text);
            }
            catch (Exception e) when (e is JsonException or ArgumentException)
            {
                // Not JSON: the string.
            }
            using (inner)
            {
                if (inner is null)
                {
                    writer.WriteStringValue(text);
                    repaired = false;
                }
                else
                {
                    repaired = SafeJson.WriteValue(inner.RootElement, writer);
                }
            }
        }
        return (Encoding.UTF8.GetString(buffer.WrittenSpan), repaired);
    }
}
