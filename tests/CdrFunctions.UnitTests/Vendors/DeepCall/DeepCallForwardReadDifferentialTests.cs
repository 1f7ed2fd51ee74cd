using System.Text;
using System.Text.Json.Nodes;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Tests.Robustness;
using CdrFunctions.Tests.Vendors.DeepCall.Reference;
using CdrFunctions.Vendors.DeepCall;

namespace CdrFunctions.Tests.Vendors.DeepCall;

/// <summary>
/// The DeepCall parser that reads a file forward-only with one <c>Utf8JsonReader</c>, against the one that built a
/// <c>JsonDocument</c> of it (<see cref="Session6DeepCallParser"/>): the same calls (extras byte for byte) and
/// quarantine entries, result by result, over the sample payloads, their fuzz corpus, windows as the puller lands
/// them and odd files (escapes, bad text, missing and null fields, details before the list, truncated JSON).
/// </summary>
public class DeepCallForwardReadDifferentialTests
{
    private static readonly string Example = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Payloads", "DeepCall", "detail-example.json"));

    private const string Push = """{"callId":"p1","callStatus":3,"cType":"IBD","DID":"+918045678900","cNumber":"9376162321","ivrSTime":"2025-11-22 16:13:18","ivrETime":"2025-11-22 16:14:40","firstAnswerTime":"2025-11-22 16:13:30","lastHangupTime":"2025-11-22 16:14:39","masterAgent":"24","ivrDuration":82}""";

    private static JsonObject ExampleData() => JsonNode.Parse(Example)!["data"]!.DeepClone().AsObject();

    /// <summary>The example's call as the API serves it (compact), with its own id, type and times.</summary>
    private static string Data(int i, string type = "CTC")
    {
        var data = ExampleData();
        data["clId"] = $"call{i}";
        data["clTy"] = type;
        data["tm"] = 1763808198000L + (i * 60_000L);
        return data.ToJsonString();
    }

    private static string ListItem(int i) =>
        $$"""{"clId":"call{{i}}","cNum":"93761623{{i % 100:00}}","clTy":"IBD","st":3,"tm":{{1763808198000L + (i * 60_000L)}},"clDt":"22/Nov/2025","clTm":"4:13:18 pm","dur":{"q":"00:00:04","c":"00:00:00","agtOnCl":"00:01:23"},"mAgt":24}""";

    /// <summary>A window as the puller lands it: pages of <paramref name="pageSize"/>, then each listed call's detail in list order.</summary>
    private static string Window(int calls, int pageSize = 4, string? details = null)
    {
        var pages = Enumerable.Range(1, calls).Chunk(pageSize).Select(page => $$"""{"status":"success","data":[{{string.Join(",", page.Select(ListItem))}}]}""");
        details ??= string.Join(",\n", Enumerable.Range(1, calls).Select(i => $$"""{"data":{{Data(i, i % 3 == 0 ? "IBD" : "CTC")}}}"""));
        return $$"""{"list":[{{string.Join(",\n", pages)}}],"detail":[{{details}}]}""";
    }

    private static readonly string FuzzWindow = $$"""{"list":[{"data":[{"clId":"kyrnwv1c8ps5zq6jcwaxtzicv","tm":1763808198000},{"clId":"second","tm":1763808199000,"cNum":"9376162322"}]}],"detail":[{{Example}}]}""";

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    [InlineData(23)]
    public async Task The_fuzz_corpus_reads_the_same(int seed)
    {
        byte[][] seeds = [Encoding.UTF8.GetBytes(Example), Encoding.UTF8.GetBytes(Push), Encoding.UTF8.GetBytes(FuzzWindow), Encoding.UTF8.GetBytes(Window(9))];
        var mutator = new Mutator(seed, json: true);
        for (var i = 0; i < 800; i++)
        {
            await AssertSameAsync(mutator.Mutate(seeds[i % seeds.Length]), $"seed {seed}, input {i}");
        }
    }

    [Fact]
    public async Task Sample_payloads_and_landed_windows_read_the_same()
    {
        await AssertSameAsync(Example, "the detail example");
        await AssertSameAsync($$"""{"data":{{Data(1)}}}""", "a compact detail response");
        await AssertSameAsync(Push, "a push report");
        await AssertSameAsync(FuzzWindow, "the fuzz window");
        await AssertSameAsync(Window(1), "a window of one call");
        await AssertSameAsync(Window(30, 7), "a window of 30 calls");
        await AssertSameAsync(Window(12).Replace(",\n", ",\r\n  ", StringComparison.Ordinal), "a window with CRLF and spaces");
        await AssertSameAsync("\uFEFF" + Window(5), "a BOM");
        await AssertSameAsync("  \n" + Window(5) + "\n\n ", "whitespace around the window");
        await AssertSameAsync($$"""{"status":"success","data":[{{ListItem(1)}},{{ListItem(2)}},5,"x",null]}""", "a list page file");
    }

    [Fact]
    public async Task Windows_of_every_shape_read_the_same()
    {
        var list = $$"""[{"data":[{{ListItem(1)}},{{ListItem(2)}},{{ListItem(3)}}]}]""";
        string Detail(int i) => $$"""{"data":{{Data(i)}}}""";
        await AssertSameAsync($$"""{"detail":[{{Detail(2)}},{{Detail(1)}}],"list":{{list}}}""", "details before the list");
        await AssertSameAsync($$"""{"list":{{list}}}""", "a list without details");
        await AssertSameAsync($$"""{"list":{{list}},"detail":[]}""", "no details");
        await AssertSameAsync($$"""{"list":[],"detail":[{{Detail(1)}},{{Detail(7)}}]}""", "details nobody listed");
        await AssertSameAsync($$"""{"list":{{list}},"detail":[{{Detail(7)}},{{Detail(1)}},{{Detail(8)}}]}""", "details out of list order, some unlisted");
        await AssertSameAsync($$"""{"list":{{list}},"detail":[{{Detail(1)}},{{Detail(1)}},{{Detail(2)}},{{Detail(1)}}]}""", "a call's detail twice");
        await AssertSameAsync($$"""{"list":[{"data":[{{ListItem(1)}},{{ListItem(1)}},{{ListItem(2)}}]}],"detail":[{{Detail(1)}}]}""", "a call listed twice");
        await AssertSameAsync($$$"""{"list":{{{list}}},"detail":[{"data":{"tm":1}},{"data":{"clId":"call1","tm":"x"}},{"data":{"clId":"call2","tm":"x"}}]}""", "bad details, listed or not");
        await AssertSameAsync($$$"""{"list":[{"data":[{{{ListItem(1)}}},{{{ListItem(1)}}}]}],"detail":[{"data":{"clId":"call1","tm":{} } }]}""", "a bad detail listed twice");
        await AssertSameAsync($$"""{"list":{{list}},"detail":[{"data":[]},{"data":null},{},[],7,{"x":1},{"data":{{Data(2)}},"data":5},{"data":5,"data":{{Data(3)}}}]}""", "detail responses without a data object");
        await AssertSameAsync($$$"""{"list":{{{list}}},"detail":[{"data":{"clId":{},"clId":"call1","tm":1763808198000}},{"data":{"clId":"call2","clId":7,"tm":1763808198000}},{"data":{"clId":"call3","clId":null}}]}""", "details with repeated clIds");
        await AssertSameAsync($$$"""{"list":[{"data":5},{"status":"error"},[],{"data":[{{{ListItem(1)}}}],"data":{}},{"data":{},"data":[{{{ListItem(2)}}}]},{"data":["x",7,null,[1],{"clId":{}},{"clId":"call3","clId":null}]}],"detail":[{{{Detail(2)}}},{{{Detail(3)}}}]}""", "pages of other shapes");
        await AssertSameAsync($$"""{"list":{{list}},"list":{"data":[]},"detail":[{{Detail(1)}}]}""", "a last list that is not an array");
        await AssertSameAsync($$"""{"list":{"data":[]},"list":{{list}},"detail":[{{Detail(1)}}],"detail":null}""", "a last detail that is not an array");
        await AssertSameAsync($$"""{"list":[{"data":[{{ListItem(9)}}]}],"detail":[{{Detail(9)}}],"list":{{list}},"detail":[{{Detail(1)}}]}""", "lists and details repeated");
        await AssertSameAsync($$"""{"l\u0069st":{{list}},"det\u0061il":[{{Detail(1)}}],"\ud800":1}""", "escaped root names");
        await AssertSameAsync($$"""{"list":[{"d\u0061ta":[{"cl\u0049d":"call1"},{"clId":"c\u0061ll2"}]}],"detail":[{"\u0064ata":{{Data(1)}}},{{Detail(2)}}]}""", "escaped names in the list and details");
    }

    [Fact]
    public async Task Other_items_paths_and_id_fields_read_the_same()
    {
        var nested = $$$"""{"list":[{"result":{"items":[{"id":"call1"},{"id":"call2"}]}},{"result":{"items":5}},{"result":[]},{"result":{"items":[{"id":"x"}]},"result":{"other":1}}],"detail":[{"data":{{{Data(1)}}}}]}""";
        await AssertSameAsync(nested, "a nested items path", new DeepCallOptions { List = { ItemsPath = "result.items", IdField = "id" } });
        await AssertSameAsync(nested, "a nested items path with dots around it", new DeepCallOptions { List = { ItemsPath = ".result..items.", IdField = "id" } });
        await AssertSameAsync($$"""{"list":[[{"clId":"call1"}],{"data":[]}],"detail":[{"data":{{Data(1)}}}]}""", "pages that are the array", new DeepCallOptions { List = { ItemsPath = "" } });
    }

    public static TheoryData<string> Fields() =>
    [
        // The mapped fields in every shape.
        "\"clId\": 12345", "\"clId\": \"\"", "\"clId\": \"  \"", "\"clId\": null", "\"clId\": {\"a\":1}", "\"clId\": [\"x\"]", "\"clId\": \"\\ud800\"", "\"clId\": true",
        "\"tm\": \"1763808198000\"", "\"tm\": \" 1763808198000 \"", "\"tm\": \"\"", "\"tm\": null", "\"tm\": 1763808198", "\"tm\": 1.7e12", "\"tm\": {\"ms\": 1}",
        "\"tm\": [1, 2]", "\"tm\": true", "\"tm\": \"abc\"", "\"tm\": \"-1\"", "\"tm\": 99999999999999999999", "\"tm\": \"\\u0031763808198000\"",
        "\"clDt\": \"31/Feb/2025\"", "\"clDt\": 5", "\"clDt\": {}", "\"clTm\": \"\\ud800\"", "\"cNum\": \"+91 93761 62321\"", "\"cNum\": 9376162321",
        "\"cNum\": \"\\u0039376162321\"", "\"cNum\": [1]", "\"clTy\": \"ibd\"", "\"clTy\": \" OBD \"", "\"clTy\": null", "\"clTy\": {\"x\":1}",
        "\"mAgt\": \"\\udc00\"", "\"mAgt\": {}", "\"mAgt\": 1.5", "\"rcrd\": \"a*b*c.mp3\"", "\"rcrd\": \"  \"", "\"rcrd\": 5", "\"rcrd\": [\"a\"]",
        "\"dur\": null", "\"dur\": [1]", "\"dur\": \"00:00:01\"", "\"dur\": {}", "\"dur\": {\"q\": 5, \"agtOnCl\": 7.5}", "\"dur\": {\"q\": \"99999:00:00\"}",
        "\"dur\": {\"q\": \"100000:00:00\"}", "\"dur\": {\"q\": \" 00:00:09 \", \"agtOnCl\": \"0:1:2\"}", "\"dur\": {\"agtOnCl\": \"00:60:00\"}",
        "\"dur\": {\"agtOnCl\": \"00:01:60\"}", "\"dur\": {\"q\": \"00\\u003a00:03\"}", "\"dur\": {\"q\": \"x\", \"q\": \"00:00:02\"}", "\"dur\": {\"q\": -1}",
        "\"dur\": {\"q\": \"00:00:01\", \"q\": {}}", "\"dur\": {\"q\": null, \"agtOnCl\": \"\"}", "\"dur\": {\"agtOnCl\": 99999999}", "\"dur\": {\"\\u0071\": \"00:00:05\"}",
        "\"dur\": {\"q\": \"\\ud800\", \"c\": \"\\udc00\"}", "\"dur\": {\"c\": \"\\ud800\", \"agtOnCl\": 99999999}", "\"dur\": {\"q\": \"0001:02:03\", \"agtOnCl\": \"٠٠:٠١:٠٠\"}",
        "\"ctcc\": null", "\"ctcc\": {}", "\"ctcc\": \"x\"", "\"ctcc\": []", "\"ctcc\": [1, {\"rcrd\": 5}, {\"rcrd\": \"\"}, {\"rcrd\": \" r*1 \"}, {\"rcrd\": \"r2\"}]",
        "\"ctcc\": [{\"rcrd\": \"r1\", \"rcrd\": null}, {\"rcrd\": \"r2\"}]", "\"ctc\": [{\"rcrd\": \"\\ud800\"}]", "\"ctc\": [{\"rc\\u0072d\": \"esc\"}]",
        "\"ctcc\": [{\"sTm\": \"4:13:38 pm\", \"n\": [1, {\"a\": \"b c\"}]}]", "\"ctcc\": [{\"x\":\"\u00e9\"}]",
        // api: JSON inside a string, or not.
        "\"api\": \"\"", "\"api\": \" \"", "\"api\": \"{\\\"a\\\":1}\"", "\"api\": \"[1,2\"", "\"api\": \"{\\\"a\\\":\\\"\\\\ud800\\\"}\"", "\"api\": \"\\ud800\"",
        "\"api\": 5", "\"api\": null", "\"api\": {\"a\": \"\\ud800\"}", "\"api\": [1, \"x\"]", "\"api\": \"7 8\"", "\"api\": \"\\\"q\\\"\"", "\"\\u0061pi\": \"{}\"",
        "\"api\": \" {\\\"a\\\": 1} \"", "\"api\": \"{\\\"a\\\":\\\"b c\\\"}\"", "\"api\": \"{\\\"a\\\":\\\"\\\\u00e9\\\"}\"", "\"api\": \"{\\\"é\\\":[1,{}]}\"",
        "\"api\": \"{\\\"a\\\":1}x\"", "\"api\": \"\\u007b\\\"a\\\":1}\"", "\"api\": \"[\\\"\\\\ud800\\\"]\"", "\"api\": \"\\ud800{}\"", "\"api\": \"{\\\"a\\\":\\\"\u007f\\\"}\"",
        // Unmapped fields: escaped and plain names, values to repair, nested values.
        "\"n\\u00e4me\": \"\\ud800x\"", "\"name\": \"\\udc00\"", "\"n\\u0041\": {\"a\": [1, \"\\ud800\", {\"\\udfff\": 2}]}", "\"plain\": [\"\\ud800\", 3]",
        "\"esc\\\"aped\": 1.50e3", "\"e\\/\": null", "\"x\": true", "\"y\": {\"z\": \"\\u00e9\"}", "\"müşteri\": \"\\ud800\"", "\"müşteri\": [\"ok\"]",
        "\"\\ud800\": 1", "\"del\u007f\": \"v\u007f\"", "\"t\": \"tab\\tand \\\"quote\\\"\"", "\"n\": {\"a\" : 1}", "\"n\": [ ]", "\"n\": {\"a\":\"x y\",\"b\":\"\\\\\"}",
        "\"clId\": \"call1\", \"clId\": \"call2\"", "\"cl\\u0049d\": \"escaped\"",
    ];

    [Theory]
    [MemberData(nameof(Fields))]
    public async Task Fields_of_every_shape_read_the_same(string field)
    {
        foreach (var compact in new[] { false, true })
        {
            var data = compact ? Data(1) : Example[(Example.IndexOf('{', 1))..Example.LastIndexOf('}')];
            var added = data.Replace("\"cNum\":", field + ", \"cNum\":", StringComparison.Ordinal);
            var name = field[..(field.IndexOf("\":", StringComparison.Ordinal) + 1)];
            var replaced = System.Text.RegularExpressions.Regex.Replace(data, System.Text.RegularExpressions.Regex.Escape(name) + @":\s*(""[^""]*""|-?[0-9.e]+|\{[^{}]*\}|\[[^\[\]]*\])", field.Replace("$", "$$", StringComparison.Ordinal));
            var without = System.Text.RegularExpressions.Regex.Replace(data, System.Text.RegularExpressions.Regex.Escape(name) + @":\s*(""[^""]*""|-?[0-9.e]+|\{[^{}]*\}|\[[^\[\]]*\]),", "");
            foreach (var (call, how) in new[] { (added, "added"), (replaced, "in place"), (without, "without the field") })
            {
                await AssertSameAsync($$"""{"data":{{call}}}""", $"{field} {how} (compact: {compact})");
                await AssertSameAsync($$"""{"list":[{"data":[{"clId":"call1"},{{call}}]}],"detail":[{"data":{{call}}}]}""", $"{field} {how} in a window (compact: {compact})");
            }
        }
    }

    [Fact]
    public async Task Bad_bytes_read_the_same()
    {
        var window = Encoding.UTF8.GetBytes(Window(3));
        var at = new[] { "\"cNum\":\"", "\"clId\":\"call2", "\"uid\":\"", "\"fAtnd\":", "\"rgDur\":\"0", "\"cNm\"", "\"list\"", "\"data\":[{\"clId\":\"c" };
        foreach (var bad in new byte[][] { [0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC3, 0xA9], [0x7F] })
        {
            foreach (var marker in at)
            {
                var i = Encoding.UTF8.GetString(window).IndexOf(marker, StringComparison.Ordinal) + marker.Length - 1;
                byte[] input = [.. window[..i], .. bad, .. window[i..]];
                await AssertSameAsync(input, $"bytes {Convert.ToHexString(bad)} at {marker}");
            }
        }
    }

    [Fact]
    public async Task Files_that_are_not_windows_read_the_same()
    {
        string[] files =
        [
            "", " ", "\uFEFF", "\uFEFF\uFEFF{}", "{}", "[]", "[{\"data\":{}}]", "\"x\"", "5", "null", "{\"status\":\"error\",\"code\":401,\"message\":\"x\"}",
            "{\"status\":\" error \",\"code\":{\"a\":[1]}}", "{\"status\":\"error\"}", "{\"status\":\"err\\u006fr\",\"code\":\"\\ud800\"}", "{\"status\":5,\"callId\":\"p\"}",
            "{\"status\":\"error\",\"status\":\"ok\",\"data\":{\"clId\":\"a\",\"tm\":1763808198000}}", "{\"callId\":null}", "{\"data\":5}", "{\"data\":\"x\"}",
            "{\"data\":null}", "{\"data\":true}", "{\"data\":[]}", "{\"data\":{}}", "{\"data\":{},\"data\":[1]}", "{\"other\":1}", "{\"list\":5,\"data\":{\"clId\":\"a\",\"tm\":1763808198000}}",
            "{\"list\":null,\"callId\":\"p\"}", "{\"data\":[{\"clId\":\"a\",\"tm\":1763808198000},{\"clId\":\"a\"}]}", Window(2) + " x", Window(2) + "{}",
            "{\"data\":{}} // c", "{\"data\":{},}", "{\"data\":[1,]}", "{'data':{}}", "{\"data\":{\"a\":1 \"b\":2}}", new string('[', 70) + new string(']', 70),
            "{\"data\":" + new string('[', 63) + new string(']', 63) + "}", "{\"data\":" + new string('[', 64) + new string(']', 64) + "}",
            "{\"list\":[{\"data\":[" + new string('[', 61) + new string(']', 61) + "]}]}", "{\"list\":[{\"data\":[" + new string('[', 62) + new string(']', 62) + "]}]}",
        ];
        foreach (var file in files)
        {
            await AssertSameAsync(file, file.Length > 80 ? file[..80] : file);
        }
        await AssertSameAsync(Encoding.UTF8.GetBytes(Push.Replace("p1", "p\\ud800", StringComparison.Ordinal)), "a push report with a lone surrogate");
    }

    [Fact]
    public async Task Truncated_files_read_the_same()
    {
        var window = Window(4, 2);
        for (var cut = 0; cut < window.Length; cut += 7)
        {
            await AssertSameAsync(window[..cut], $"cut at {cut}");
        }
        for (var cut = 0; cut < Example.Length; cut += 11)
        {
            await AssertSameAsync(Example[..cut], $"the example cut at {cut}");
        }
    }

    [Fact]
    public async Task Calls_over_the_size_limit_read_the_same()
    {
        var big = ExampleData();
        big["blob"] = new string('x', 1024 * 1024);
        big["clId"] = "call2";
        var bigDetail = $$"""{"data":{{big.ToJsonString()}}}""";
        await AssertSameAsync(bigDetail, "a detail over the limit");
        await AssertSameAsync($$"""{"list":[{"data":[{{ListItem(1)}},{{ListItem(2)}},{"clId":"call3","blob":"{{new string('y', 1024 * 1024)}}"}]}],"detail":[{"data":{{Data(1)}}},{{bigDetail}}]}""", "a window with calls over the limit");
    }

    private static Task AssertSameAsync(string input, string what, DeepCallOptions? options = null) => AssertSameAsync(Encoding.UTF8.GetBytes(input), what, options);

    private static async Task AssertSameAsync(byte[] input, string what, DeepCallOptions? options = null)
    {
        options ??= new DeepCallOptions();
        var expected = await RunAsync(new Session6DeepCallParser(options).ParseAsync, input);
        var actual = await RunAsync(new DeepCallParser(options).ParseAsync, input);
        Assert.True(expected.Count == actual.Count, $"{what}: {expected.Count} results before, {actual.Count} now\n{Show(input)}\nbefore: {string.Join("\n", expected)}\nnow: {string.Join("\n", actual)}");
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i] == actual[i], $"{what}, result {i}:\nbefore: {expected[i]}\nnow:    {actual[i]}\n{Show(input)}");
        }
    }

    private static async Task<List<string>> RunAsync(Func<Stream, CancellationToken, IAsyncEnumerable<ParseResult>> parse, byte[] input)
    {
        var results = new List<string>();
        await foreach (var r in parse(new MemoryStream(input), CancellationToken.None))
        {
            results.Add(r.Record is { } call ? CallJson.Serialize(call) : r.Quarantined!.ToString());
        }
        return results;
    }

    private static string Show(byte[] input) => Encoding.UTF8.GetString(input.AsSpan(0, Math.Min(input.Length, 1500)));
}
