using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using CdrFunctions.Tests.Robustness;

namespace CdrFunctions.Tests.Vendors.Alotech;

/// <summary>
/// The Alotech parser that copies printable ASCII names and values into extras as they are, against the one that
/// wrote every extras field through a <c>Utf8JsonWriter</c> (TwoPassAlotechParser keeps that code): the same calls
/// and quarantine entries over compact pages as the API serves them (non-ASCII and <c>+</c> escaped as <c>\uXXXX</c>,
/// or sent as they are), with every shape of extras field, and over their fuzz corpus.
/// </summary>
public class AlotechVerbatimExtrasDifferentialTests
{
    private static readonly string Page = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Payloads", "Alotech", "page-example.json"));

    private static readonly string Escaped = JsonNode.Parse(Page)!.ToJsonString();

    private static readonly string AsSent = JsonNode.Parse(Page)!.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    private static string Window(string page, int pages) => "[" + string.Join(",", Enumerable.Repeat(page, pages)) + "]";

    [Fact]
    public async Task Compact_pages_read_the_same()
    {
        Assert.Contains("\\u", Escaped, StringComparison.Ordinal);
        Assert.Contains("ş", AsSent, StringComparison.Ordinal);
        foreach (var page in new[] { Escaped, AsSent })
        {
            await AlotechOnePassDifferentialTests.AssertSameAsync(Encoding.UTF8.GetBytes(page), "one page");
            await AlotechOnePassDifferentialTests.AssertSameAsync(Encoding.UTF8.GetBytes(Window(page, 30)), "a window");
            await AlotechOnePassDifferentialTests.AssertSameAsync(Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Repeat(page[(page.IndexOf('[') + 1)..page.LastIndexOf(']')], 3)) + "]"), "a bare array of records");
        }
    }

    [Theory]
    [MemberData(nameof(Fields))]
    public async Task Compact_fields_kept_in_extras_read_the_same(string field)
    {
        foreach (var page in new[] { Escaped, AsSent })
        {
            var added = page.Replace("\"callerid\":", field + ",\"callerid\":", StringComparison.Ordinal);
            await AlotechOnePassDifferentialTests.AssertSameAsync(Encoding.UTF8.GetBytes(Window(added, 2)), field + " added");
            var first = added.IndexOf("\"key\":", StringComparison.Ordinal);
            var atStart = added[..first] + field + "," + added[first..];
            await AlotechOnePassDifferentialTests.AssertSameAsync(Encoding.UTF8.GetBytes(atStart), field + " first in the record");
        }
    }

    public static TheoryData<string> Fields()
    {
        var fields = new TheoryData<string>(((IEnumerable<object[]>)AlotechOnePassDifferentialTests.ExtrasFields()).Select(row => ((string)row[0]).Replace("\": ", "\":", StringComparison.Ordinal)));
        // Values copied as they are, and the nearest ones that are not.
        fields.AddRange("\"n\":-0.5e-3", "\"n\":false", "\"n\":\"\"", "\"n\":\"a b ~!@#$%^&*()<>'+`\"", "\"n\":\"\u007f\"", "\"\u007f\":1",
            "\"n\":\"\\u002B90\"", "\"n\":\"a\\\"b\\\\c\"", "\"n\":\"ş\"", "\"ş\":\"x\"", "\"n\":[]", "\"n\":{}", "\"callerid\":\"+90 532 123 45 67\"",
            "\"called_num\":\"\\u002B905321234567\"", "\"callerid\":1e3", "\"called_num\":[]");
        return fields;
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    public async Task The_fuzz_corpus_of_compact_pages_reads_the_same(int seed)
    {
        byte[][] seeds = [Encoding.UTF8.GetBytes(Escaped), Encoding.UTF8.GetBytes(Window(AsSent, 3)), Encoding.UTF8.GetBytes(Window(Escaped, 20))];
        var mutator = new Mutator(seed, json: true);
        for (var i = 0; i < 600; i++)
        {
            await AlotechOnePassDifferentialTests.AssertSameAsync(mutator.Mutate(seeds[i % seeds.Length]), $"seed {seed}, input {i}");
        }
    }
}
