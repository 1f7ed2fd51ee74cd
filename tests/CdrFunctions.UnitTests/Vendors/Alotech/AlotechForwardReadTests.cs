using CdrFunctions.Pipeline.Model;
using static CdrFunctions.Tests.Vendors.Alotech.AlotechParserTests;

namespace CdrFunctions.Tests.Vendors.Alotech;

/// <summary>
/// The forward-only reader maps a page's records in the same pass that finds them: what a DOM did implicitly
/// (the last of duplicate names wins, a rejected record is quarantined whole and the rest stays readable) is pinned here.
/// </summary>
public class AlotechForwardReadTests
{
    private const string Call = """{"key":"k1","calldate":"2025-11-22 10:00:00","callerid":"05321234567","channel":"SIP/a"}""";

    [Fact]
    public async Task The_last_CallList_of_a_page_wins_as_in_a_DOM()
    {
        var results = await ParseAsync($$"""{"CallList":[{{Call}},{{Call}}],"cursor":"c","CallList":[{{Call.Replace("k1", "k2", StringComparison.Ordinal)}}]}""");
        Assert.Equal("k2", Assert.Single(results).Record!.CallId);

        var notAList = await ParseAsync($$$"""{"CallList":[{{{Call}}}],"CallList":{"error":1}}""");
        Assert.Contains("no CallList", Assert.Single(notAList).Quarantined!.Reason);
    }

    [Fact]
    public async Task A_record_rejected_mid_way_is_quarantined_whole_and_the_next_record_of_the_page_is_read()
    {
        // 1e400 is valid JSON but no finite number: the record stops there, with nested values still ahead of the reader.
        var bad = """{"key":"k0","calldate":"2025-11-22 10:00:00","duration":1e400,"nested":{"a":[1,2,{"b":3}]},"agent":"x"}""";
        var results = await ParseAsync($$$"""[{"CallList":[{{{bad}}},{{{Call}}}]},{"CallList":[{{{Call}}}]}]""");
        Assert.Equal(3, results.Count);
        Assert.Contains("field 'duration' is Infinity", results[0].Quarantined!.Reason);
        Assert.Equal(bad, results[0].Quarantined!.Raw);
        Assert.Equal(["k1", "k1"], results.Skip(1).Select(r => r.Record!.CallId));
    }

    [Fact]
    public async Task A_rejected_record_keeps_its_exact_text_and_the_reader_resumes_after_it()
    {
        var bad = """{"key":{"id":1},"calldate":"2025-11-22 10:00:00","tags":[{"x":[]}],"more":"y"}""";
        var results = await ParseAsync($$"""{"CallList":[{{bad}},42,{{Call}}]}""");
        Assert.Equal(bad, results[0].Quarantined!.Raw);
        Assert.Contains("field 'key'", results[0].Quarantined!.Reason);
        Assert.Equal("42", results[1].Quarantined!.Raw);
        Assert.Equal("k1", results[2].Record!.CallId);
        Assert.Equal("""{"callerid":"05321234567","channel":"SIP/a"}""", results[2].Record!.Extras.Json);
    }
}
