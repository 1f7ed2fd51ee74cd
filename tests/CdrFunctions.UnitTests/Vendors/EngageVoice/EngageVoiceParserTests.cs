using System.Text;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Vendors;
using CdrFunctions.Vendors.EngageVoice;

namespace CdrFunctions.Tests.Vendors.EngageVoice;

public class EngageVoiceParserTests
{
    internal static readonly string SeedRows = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Payloads", "EngageVoice", "seed-rows.csv"));

    /// <summary>The docs' header line (the seed's copy lost it, and spells column 9 smedia_market).</summary>
    internal const string DocsHeader =
        "cloud_profile_id,profile_name,uii,ani,dnis,outbound_externid,media_isci,media_network,media_market,media_code,media_format,media_version,media_length,enqueue_time,dequeue_time,queue_time,call_state,is_cellular,dequeue_attempts,call_result,inbound_duration,recording_url,connected_id,connected_name,connected_route,connected_duration,attempt_1_id,attempt_1_name,attempt_1_route,attempt_1_disp,attempt_2_id,attempt_2_name,attempt_2_route,attempt_2_disp";

    private static async Task<List<ParseResult>> ParseAsync(string text, string zone = "US/Arizona", bool bom = false)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (bom)
        {
            bytes = [0xEF, 0xBB, 0xBF, .. bytes];
        }
        using var parser = EngageVoiceVendor.CreateParser(new EngageVoiceOptions { TimeZone = zone });
        var results = new List<ParseResult>();
        await foreach (var r in parser.ParseAsync(new MemoryStream(bytes), new RawFileInfo("engagevoice/test.csv", null), CancellationToken.None))
        {
            results.Add(r);
        }
        return results;
    }

    private static List<CallRecord> Calls(List<ParseResult> results) => results.Where(r => r.Record is not null).Select(r => r.Record!).ToList();

    [Fact]
    public async Task Seed_rows_without_a_header_map_to_calls()
    {
        var results = await ParseAsync(SeedRows);
        Assert.All(results, r => Assert.Null(r.Quarantined));
        var calls = Calls(results);
        Assert.Equal(3, calls.Count);
        var c = calls[0];
        Assert.Equal("engagevoice", c.Vendor);
        Assert.Equal("202004250912250132110000003150", c.CallId);
        Assert.Equal(CallDirection.Inbound, c.Direction);
        Assert.Equal("+12312866364", c.FromNumber);
        Assert.Equal("+18889918278", c.ToNumber);
        // 6:12 AM in Arizona (UTC-7, no DST).
        Assert.Equal(new DateTimeOffset(2020, 4, 20, 13, 12, 0, TimeSpan.Zero), c.StartUtc);
        Assert.Equal(new DateTimeOffset(2020, 4, 20, 13, 12, 0, TimeSpan.Zero), c.AnswerUtc);
        Assert.Equal(c.StartUtc!.Value.AddSeconds(24), c.EndUtc);
        Assert.Equal(5, c.QueueSeconds);
        Assert.Equal(19, c.TalkSeconds);
        Assert.Equal(24, c.TotalSeconds);
        Assert.Null(c.HoldSeconds);
        Assert.Equal(CallOutcome.Answered, c.Outcome);
        Assert.Equal("DTE", c.Queue);
        Assert.Null(c.RecordingUrl);
        var x = c.Extras.ToJsonObject();
        Assert.Equal("1111", (string?)x["cloud_profile_id"]);
        Assert.Equal("COMPLETE", (string?)x["call_state"]);
        Assert.Equal("CONNECTED", (string?)x["call_result"]);
        Assert.Equal("4546", (string?)x["connected_id"]);
        Assert.Equal("5854987200", (string?)x["connected_route"]);
        Assert.Equal("5854987282", (string?)x["attempt_1_route"]);
        Assert.Equal("ANSWER(5)", (string?)x["attempt_1_disp"]);
        Assert.Equal("ANSWER", (string?)x["attempt_1_disp_code"]);
        Assert.Equal(5, (int?)x["attempt_1_disp_value"]);
        Assert.Equal("2312866364", (string?)x["ani"]);
        Assert.Equal("4/20/20 6:12 AM", (string?)x["enqueue_time"]);
        Assert.Null(x["attempt_2_disp"]);
        Assert.Null(x["media_market"]);
        Assert.Equal(["202004250912250132110000003150", "202004251035200132150000009531", "202004251101260132100000073341"], calls.Select(k => k.CallId));
        Assert.Equal([301, 296], new[] { calls[2].TotalSeconds!.Value, calls[2].TalkSeconds!.Value });
    }

    [Theory]
    [InlineData("\n", false)]
    [InlineData("\r\n", false)]
    [InlineData("\r\n", true)]
    public async Task The_docs_header_line_endings_and_a_BOM_are_accepted(string newLine, bool bom)
    {
        var text = DocsHeader + newLine + string.Join(newLine, SeedRows.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r'))) + newLine;
        var results = await ParseAsync(text, bom: bom);
        Assert.All(results, r => Assert.Null(r.Quarantined));
        var calls = Calls(results);
        Assert.Equal(3, calls.Count);
        Assert.Equal("202004250912250132110000003150", calls[0].CallId);
        Assert.Equal("IT TFN", calls[1].Queue);
    }

    [Fact]
    public async Task The_seed_header_spelling_smedia_market_and_reordered_columns_are_read_by_name()
    {
        var header = "uii,smedia_market,enqueue_time,ani,dnis,call_result,queue_time,inbound_duration,connected_duration,profile_name";
        var results = await ParseAsync(header + "\n'123,DETROIT,4/20/20 6:12 AM,2312866364,8889918278,ABANDON,30,30,,DTE\n");
        var c = Assert.Single(Calls(results));
        Assert.Equal("123", c.CallId);
        Assert.Equal("DETROIT", (string?)c.Extras.ToJsonObject()["media_market"]);
        Assert.Equal(CallOutcome.Abandoned, c.Outcome);
        Assert.Null(c.AnswerUtc);
        Assert.Equal(0, c.TalkSeconds);
    }

    [Fact]
    public async Task Trailing_empty_columns_are_ignored_but_extra_values_are_not()
    {
        var rows = SeedRows.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        var results = await ParseAsync(rows[0] + ",,,\n" + rows[1] + ",surprise\n");
        Assert.Single(Calls(results));
        var bad = Assert.Single(results, r => r.Quarantined is not null).Quarantined!;
        Assert.Equal("line 2", bad.Position);
        Assert.Contains("35 columns", bad.Reason);
    }

    [Fact]
    public async Task Bad_rows_are_quarantined_with_line_numbers_and_the_rest_is_read()
    {
        var rows = SeedRows.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        var text = string.Join("\n",
            DocsHeader,
            rows[0],
            "1111,DTE,'2020042509122501321100000031",                   // wrong column count (cut off)
            rows[1].Replace("4/20/20 7:35 AM,4/20/20", "20/04/2020 7:35,4/20/20", StringComparison.Ordinal), // unparseable time
            rows[2].Replace("'202004251101260132100000073341", "'", StringComparison.Ordinal),              // empty uii
            rows[2].Replace(",301,", ",3.5,", StringComparison.Ordinal),   // not whole seconds
            rows[2]);
        var results = await ParseAsync(text);
        Assert.Equal(2, Calls(results).Count);
        var bad = results.Where(r => r.Quarantined is not null).Select(r => r.Quarantined!).ToList();
        Assert.Equal(["line 3", "line 4", "line 5", "line 6"], bad.Select(b => b.Position));
        Assert.Contains("3 columns, expected 34", bad[0].Reason);
        Assert.Contains("enqueue_time", bad[1].Reason);
        Assert.Contains("uii", bad[2].Reason);
        Assert.Contains("inbound_duration", bad[3].Reason);
        Assert.StartsWith("1111,DTE,'2020", bad[0].Raw);
        Assert.All(bad, b => Assert.False(b.FileLevel));
    }

    [Fact]
    public async Task An_html_error_page_is_a_file_level_error()
    {
        var results = await ParseAsync("<html><body>Service Unavailable</body></html>\n");
        Assert.True(Assert.Single(results).Quarantined!.FileLevel);
    }

    [Fact]
    public async Task An_empty_report_has_no_calls_and_no_errors()
    {
        Assert.Empty(await ParseAsync(""));
        Assert.Empty(await ParseAsync(DocsHeader + "\r\n"));
    }

    [Theory]
    // Spring forward, US/Eastern 2021-03-14: 2:30 AM does not exist → moved forward by the gap (3:30 EDT = 07:30Z).
    [InlineData("3/14/21 2:30 AM", "2021-03-14T07:30:00Z")]
    // Fall back, 2021-11-07: 1:30 AM exists twice → the first occurrence (EDT, 05:30Z).
    [InlineData("11/7/21 1:30 AM", "2021-11-07T05:30:00Z")]
    [InlineData("11/7/21 2:30 AM", "2021-11-07T07:30:00Z")]
    [InlineData("12/31/20 11:59 PM", "2021-01-01T04:59:00Z")]
    public async Task Report_times_in_DST_transitions_are_deterministic(string local, string utc)
    {
        var rows = SeedRows.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        var row = rows[0].Replace("4/20/20 6:12 AM,4/20/20 6:12 AM", $"{local},{local}", StringComparison.Ordinal);
        var c = Assert.Single(Calls(await ParseAsync(row, "US/Eastern")));
        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), c.StartUtc);
    }

    [Theory]
    [InlineData("CONNECTED", CallOutcome.Answered)]
    [InlineData("ABANDON", CallOutcome.Abandoned)]
    [InlineData("NO_ANSWER", CallOutcome.Missed)]
    [InlineData("VOICEMAIL", CallOutcome.Voicemail)]
    [InlineData("BUSY", CallOutcome.Failed)]
    [InlineData("SOMETHING_NEW", CallOutcome.Unknown)]
    [InlineData("", CallOutcome.Unknown)]
    public void Call_results_map_to_outcomes(string result, CallOutcome outcome) =>
        Assert.Equal(outcome, EngageVoiceParser.Outcome(result));
}
