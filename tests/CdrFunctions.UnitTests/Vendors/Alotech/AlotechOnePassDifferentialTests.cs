using System.Text;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Phones;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Pipeline.Vendors;
using CdrFunctions.Tests.Robustness;
using CdrFunctions.Tests.Vendors.Alotech.Reference;
using CdrFunctions.Vendors.Alotech;

namespace CdrFunctions.Tests.Vendors.Alotech;

/// <summary>
/// The Alotech parser that maps a window's pages in the pass that finds their end, against the one that found
/// each page's end first and read it again: the same calls and quarantine entries, result by result, over the
/// fuzz corpus of the sample page (one page, a window of pages, a window larger than the read buffer) and over
/// windows whose pages straddle the buffer's refills.
/// </summary>
public class AlotechOnePassDifferentialTests
{
    private static readonly string Page = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Payloads", "Alotech", "page-example.json"));

    private static string Window(int pages) => "[" + string.Join(",\n", Enumerable.Repeat(Page, pages)) + "]";

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public async Task The_fuzz_corpus_reads_the_same(int seed)
    {
        byte[][] seeds = [Encoding.UTF8.GetBytes(Page), Encoding.UTF8.GetBytes(Window(3)), Encoding.UTF8.GetBytes(Window(40))];
        var mutator = new Mutator(seed, json: true);
        for (var i = 0; i < 900; i++)
        {
            await AssertSameAsync(mutator.Mutate(seeds[i % seeds.Length]), $"seed {seed}, input {i}");
        }
    }

    [Fact]
    public async Task Windows_larger_than_the_read_buffer_read_the_same()
    {
        // About 3 KB a page: pages straddle the 64 KiB buffer, and the buffer grows for a page of 100 KB.
        await AssertSameAsync(Encoding.UTF8.GetBytes(Window(200)), "200 pages");
        var big = Page.Replace("\"CallList\": [", "\"CallList\": [" + string.Concat(Enumerable.Repeat(Page[(Page.IndexOf('[') + 1)..Page.LastIndexOf(']')] + ",", 40)), StringComparison.Ordinal);
        await AssertSameAsync(Encoding.UTF8.GetBytes("[" + Page + "," + big + "," + Page + "]"), "a page of 100 KB between two small ones");
        await AssertSameAsync(Encoding.UTF8.GetBytes("\uFEFF" + Window(30).Replace("\n", "\r\n", StringComparison.Ordinal)), "a BOM and CRLF");
        await AssertSameAsync(Encoding.UTF8.GetBytes(Window(30)[..^1]), "a window cut before its last bracket");
        await AssertSameAsync(Encoding.UTF8.GetBytes(Window(30)[..^400]), "a window cut inside its last page");
        await AssertSameAsync(Encoding.UTF8.GetBytes(Window(30) + " x"), "a window with text after it");
        await AssertSameAsync(Encoding.UTF8.GetBytes("[" + Page + ",5,\"text\",[1,2],{\"CallList\":7},{}," + Page + "]"), "pages of other shapes");
        await AssertSameAsync(Encoding.UTF8.GetBytes("[" + Page + "," + Page.Replace("\"sl\": true", "\"sl\": tru", StringComparison.Ordinal) + "]"), "a syntax error in the second page");
        await AssertSameAsync(Encoding.UTF8.GetBytes("[" + Page + "," + Page.Replace("\"callid\"", "\"cal\\\"lid\"", StringComparison.Ordinal).Replace("\"queue\": \"", "\"queue\": \"\\\\ }]{[ ", StringComparison.Ordinal) + "]"), "escapes and brackets inside strings");
        await AssertSameAsync(Encoding.UTF8.GetBytes("[" + Page + "," + new string('[', 70) + new string(']', 70) + "]"), "a page nested past the depth limit");
        await AssertSameAsync(Encoding.UTF8.GetBytes("[" + Page + ",, " + Page + "]"), "a doubled comma");
        await AssertSameAsync(Encoding.UTF8.GetBytes("[" + Page + " " + Page + "]"), "a missing comma");
    }

    public static TheoryData<string> ExtrasFields() =>
    [
        // Unknown fields: escaped and plain names, values to repair (lone surrogates, bad bytes via \u escapes), nested values.
        "\"n\\u00e4me\": \"\\ud800x\"", "\"name\": \"\\udc00\"", "\"n\\u0041\": {\"a\": [1, \"\\ud800\", {\"\\udfff\": 2}]}",
        "\"plain\": [\"\\ud800\", 3]", "\"esc\\\"aped\": 1.50e3", "\"e\\/\": null", "\"x\": true", "\"y\": {\"z\": \"\\u00e9\"}",
        // The original numbers in every shape: the columns read them too.
        "\"callerid\": {\"a\": 1}", "\"called_num\": [\"05321234567\"]", "\"callerid\": 905321234567", "\"called_num\": true",
        "\"callerid\": null", "\"called_num\": \"\\ud800 0532\"", "\"callerid\": \"0532\\u0031234567\"", "\"called_num\": {\"\\ud800\": [\"\\udc00\"]}",
        "\"c\\u0061llerid\": \"\\ud800\"", "\"müşteri\": \"\\ud800\"", "\"müşteri\": [\"ok\"]",
    ];

    [Theory]
    [MemberData(nameof(ExtrasFields))]
    public async Task Fields_kept_in_extras_read_the_same(string field)
    {
        // The field added to every record, and in place of the record's callerid.
        var added = Page.Replace("\"callerid\":", field + ", \"callerid\":", StringComparison.Ordinal);
        await AssertSameAsync(Encoding.UTF8.GetBytes("[" + added + "," + Page + "]"), field + " added");
        var replaced = System.Text.RegularExpressions.Regex.Replace(Page, "\"callerid\": \"[^\"]*\"", field.Replace("$", "$$", StringComparison.Ordinal));
        await AssertSameAsync(Encoding.UTF8.GetBytes(replaced), field + " in place of callerid");
    }

    internal static async Task AssertSameAsync(byte[] input, string what)
    {
        var expected = await RunAsync(input, (clock, phones) => new TwoPassAlotechParser(clock, phones).ParseAsync);
        var actual = await RunAsync(input, (clock, phones) => new AlotechParser(clock, phones).ParseAsync);
        Assert.True(expected.Count == actual.Count, $"{what}: {expected.Count} results before, {actual.Count} now\n{Show(input)}");
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i] == actual[i], $"{what}, result {i}:\nbefore: {expected[i]}\nnow:    {actual[i]}\n{Show(input)}");
        }
    }

    private delegate IAsyncEnumerable<ParseResult> Parse(Stream raw, RawFileInfo file, CancellationToken cancellationToken);

    private static async Task<List<string>> RunAsync(byte[] input, Func<VendorClock, PhoneNumberNormalizer, Parse> create)
    {
        var parse = create(VendorClock.ForZone("Europe/Istanbul"), new PhoneNumberNormalizer("TR"));
        var results = new List<string>();
        await foreach (var r in parse(new MemoryStream(input), new RawFileInfo("alotech/2025/11/22/1000.json", null), CancellationToken.None))
        {
            results.Add(r.Record is { } call ? CallJson.Serialize(call) : r.Quarantined!.ToString());
        }
        return results;
    }

    private static string Show(byte[] input) => Encoding.UTF8.GetString(input.AsSpan(0, Math.Min(input.Length, 1500)));
}
