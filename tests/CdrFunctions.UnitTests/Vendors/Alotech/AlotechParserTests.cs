using System.Text;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Pipeline.Vendors;
using CdrFunctions.Vendors.Alotech;

namespace CdrFunctions.Tests.Vendors.Alotech;

public class AlotechParserTests
{
    private static readonly string ExamplePage = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Payloads", "Alotech", "page-example.json"));

    internal static async Task<List<ParseResult>> ParseAsync(string json, AlotechOptions? options = null)
    {
        using var parser = AlotechVendor.CreateParser(options ?? new AlotechOptions());
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        var results = new List<ParseResult>();
        await foreach (var r in parser.ParseAsync(stream, new RawFileInfo("alotech/2025/11/22/1000.json", null), CancellationToken.None))
        {
            results.Add(r);
        }
        return results;
    }

    private static async Task<CallRecord> SingleAsync(string recordJson)
    {
        var results = await ParseAsync($"{{\"CallList\":[{recordJson}]}}");
        var result = Assert.Single(results);
        Assert.True(result.Record is not null, result.Quarantined?.Reason);
        return result.Record!;
    }

    private static async Task<Quarantined> RejectedAsync(string recordJson)
    {
        var result = Assert.Single(await ParseAsync($"{{\"CallList\":[{recordJson}]}}"));
        Assert.NotNull(result.Quarantined);
        return result.Quarantined!;
    }

    [Fact]
    public async Task An_answered_inbound_call_maps_every_column()
    {
        var results = await ParseAsync(ExamplePage);
        Assert.Equal(3, results.Count);
        var call = results[0].Record!;
        Assert.Equal("alotech", call.Vendor);
        Assert.Equal("ahRzfmFsb3RlY2gtcHJvZHIVCxIIQ2FsbExvZxiAgIDQ6ZqdCQw", call.CallId);
        Assert.Equal(CallDirection.Inbound, call.Direction);
        Assert.Equal(CallOutcome.Answered, call.Outcome);
        Assert.Equal("+905321234567", call.FromNumber);
        Assert.Equal("+902125551234", call.ToNumber);
        // Istanbul is UTC+3: 13:43:18 local is 10:43:18Z.
        Assert.Equal(new DateTimeOffset(2025, 11, 22, 10, 43, 18, TimeSpan.Zero), call.StartUtc);
        Assert.Equal(new DateTimeOffset(2025, 11, 22, 10, 43, 40, TimeSpan.Zero), call.AnswerUtc);
        Assert.Equal(new DateTimeOffset(2025, 11, 22, 10, 47, 5, TimeSpan.Zero), call.EndUtc);
        Assert.Equal(22, call.QueueSeconds);
        Assert.Equal(205, call.TalkSeconds);
        Assert.Equal(35, call.HoldSeconds);
        Assert.Equal(227, call.TotalSeconds);
        Assert.Equal("ayse.yilmaz@example.com.tr", call.AgentName);
        Assert.Equal("Müşteri Hizmetleri", call.Queue);
        Assert.Equal(1, call.TransferCount);
        Assert.StartsWith("https://demo.alo-tech.com/", call.RecordingUrl);
        var extras = call.Extras.ToJsonObject();
        Assert.Equal("05321234567", (string?)extras["callerid"]);
        Assert.Equal("02125551234", (string?)extras["called_num"]);
        Assert.Equal("1511342452.3456", (string?)extras["callid"]);
        Assert.Equal("SIP/trunk-0000a1b2", (string?)extras["channel"]);
        Assert.Equal(1, (int?)extras["hold"]);
        Assert.Null(extras["calldate"]);
    }

    [Fact]
    public async Task An_abandoned_call_with_null_duration_gets_its_total_from_the_dates()
    {
        var call = (await ParseAsync(ExamplePage))[1].Record!;
        Assert.Equal(CallOutcome.Abandoned, call.Outcome);
        Assert.Null(call.AnswerUtc);
        Assert.Equal(0, call.TalkSeconds);
        Assert.Equal(41, call.TotalSeconds);
        Assert.Null(call.RecordingUrl);
        Assert.Null(call.AgentName);
        // 444 numbers are Turkish nationwide numbers: valid, so E.164.
        Assert.Equal("+904440123", call.ToNumber);
    }

    [Fact]
    public async Task An_outbound_call_with_numbers_as_strings_and_tags_in_extras()
    {
        var call = (await ParseAsync(ExamplePage))[2].Record!;
        Assert.Equal(CallDirection.Outbound, call.Direction);
        Assert.Equal(CallOutcome.Answered, call.Outcome);
        Assert.Equal(9, call.QueueSeconds);
        Assert.Equal(139, call.TotalSeconds);
        Assert.Equal("+905051112233", call.ToNumber);
        Assert.Equal("Sale", (string?)call.Extras.ToJsonObject()["call_tags"]![0]!["name"]);
    }

    [Fact]
    public async Task A_landed_window_is_an_array_of_pages()
    {
        var results = await ParseAsync($"[{ExamplePage},\n{ExamplePage}]");
        Assert.Equal(6, results.Count);
        Assert.All(results, r => Assert.NotNull(r.Record));
    }

    [Fact]
    public async Task A_bare_array_of_records_is_read_too()
    {
        var results = await ParseAsync("""[{"key":"1","calldate":"2025-11-22 10:00:00"},{"key":"2","calldate":"2025-11-22 11:00:00"}]""");
        Assert.Equal(["1", "2"], results.Select(r => r.Record!.CallId));
    }

    [Fact]
    public async Task The_time_zone_comes_from_options()
    {
        var results = await ParseAsync("""{"CallList":[{"key":"1","calldate":"2025-11-22 10:00:00"}]}""", new AlotechOptions { TimeZone = "UTC" });
        Assert.Equal(new DateTimeOffset(2025, 11, 22, 10, 0, 0, TimeSpan.Zero), results[0].Record!.StartUtc);
    }

    [Theory]
    [InlineData("""{"calldate":"2025-11-22 10:00:00"}""", "field 'key' (the call id) is missing")]
    [InlineData("""{"key":"  ","calldate":"2025-11-22 10:00:00"}""", "field 'key' (the call id) is empty")]
    [InlineData("""{"key":"1"}""", "field 'calldate' is missing")]
    [InlineData("""{"key":"1","calldate":"not-a-date"}""", "field 'calldate' is \"not-a-date\"")]
    [InlineData("""{"key":"1","calldate":"2025-13-45 10:00:00"}""", "field 'calldate'")]
    [InlineData("""{"key":"1","calldate":"2025-11-22 10:00:00","answered":{"x":1}}""", "field 'answered' is an object, expected true or false")]
    [InlineData("""{"key":"1","calldate":"2025-11-22 10:00:00","duration":"long"}""", "field 'duration' is \"long\", expected a number")]
    [InlineData("""{"key":"1","calldate":"2025-11-22 10:00:00","duration":-5}""", "expected a non-negative number")]
    [InlineData("""{"key":["1"],"calldate":"2025-11-22 10:00:00"}""", "field 'key' is an array, expected text")]
    [InlineData("42", "a record must be a JSON object")]
    public async Task Bad_records_are_quarantined_with_their_reason(string record, string reason)
    {
        var q = await RejectedAsync(record);
        Assert.Contains(reason, q.Reason);
        Assert.Equal("page 1, record 1", q.Position);
        Assert.False(q.FileLevel);
        Assert.NotNull(q.Raw);
    }

    [Fact]
    public async Task One_bad_record_does_not_stop_the_rest()
    {
        var results = await ParseAsync("""{"CallList":[{"key":"1","calldate":"2025-11-22 10:00:00"},{"key":"2","calldate":"bad"},{"key":"3","calldate":"2025-11-22 10:00:02"}]}""");
        Assert.Equal(["1", null, "3"], results.Select(r => r.Record?.CallId));
        Assert.Equal("page 1, record 2", results[1].Quarantined!.Position);
    }

    [Fact]
    public async Task Tolerant_values_numbers_as_ids_flags_as_text()
    {
        var call = await SingleAsync("""{"key":123456,"calldate":"2025-11-22 10:00:00","answered":"1","inbound":0,"transferred":true,"waitduration":12.6}""");
        Assert.Equal("123456", call.CallId);
        Assert.Equal(CallOutcome.Answered, call.Outcome);
        Assert.Equal(CallDirection.Outbound, call.Direction);
        Assert.Equal(1, call.TransferCount);
        Assert.Equal(13, call.QueueSeconds);
    }

    [Fact]
    public async Task Padded_ids_are_trimmed_and_control_characters_kept_verbatim()
    {
        Assert.Equal("abc", (await SingleAsync("""{"key":"  abc ","calldate":"2025-11-22 10:00:00"}""")).CallId);
        var odd = await SingleAsync("""{"key":"ab/c#\u0001?","calldate":"2025-11-22 10:00:00"}""");
        Assert.Equal("ab/c#\u0001?", odd.CallId);
    }

    [Fact]
    public async Task Zero_dates_and_empty_strings_mean_unknown()
    {
        var call = await SingleAsync("""{"key":"1","calldate":"2025-11-22 10:00:00","talkdate":"0000-00-00 00:00:00","hangupdate":"","answered":true}""");
        Assert.Null(call.AnswerUtc);
        Assert.Null(call.EndUtc);
        Assert.Null(call.TalkSeconds);
        Assert.Null(call.TotalSeconds);
    }

    [Fact]
    public async Task Missing_answered_flag_gives_unknown_outcome_and_direction()
    {
        var call = await SingleAsync("""{"key":"1","calldate":"2025-11-22 10:00:00"}""");
        Assert.Equal(CallOutcome.Unknown, call.Outcome);
        Assert.Equal(CallDirection.Unknown, call.Direction);
        Assert.Equal(CallExtras.Empty, call.Extras);
    }

    [Fact]
    public async Task Unanswered_inbound_is_missed_and_outbound_failed_and_voicemail_wins_over_abandon()
    {
        Assert.Equal(CallOutcome.Missed, (await SingleAsync("""{"key":"1","calldate":"2025-11-22 10:00:00","inbound":true,"answered":false}""")).Outcome);
        Assert.Equal(CallOutcome.Failed, (await SingleAsync("""{"key":"1","calldate":"2025-11-22 10:00:00","inbound":false,"answered":false}""")).Outcome);
        Assert.Equal(CallOutcome.Voicemail, (await SingleAsync("""{"key":"1","calldate":"2025-11-22 10:00:00","answered":false,"abandon":true,"voicemail":true}""")).Outcome);
    }

    [Fact]
    public async Task Huge_strings_parse_but_the_normalizer_quarantines_them()
    {
        var huge = new string('x', 1_000_000);
        var call = await SingleAsync($$"""{"key":"1","calldate":"2025-11-22 10:00:00","agent":"{{huge}}"}""");
        Assert.Contains("agentName", RecordLimits.Violation(call));
        var bigExtras = await SingleAsync($$"""{"key":"1","calldate":"2025-11-22 10:00:00","channel":"{{huge}}"}""");
        Assert.Contains("extras", RecordLimits.Violation(bigExtras));
        var longId = await SingleAsync($$"""{"key":"{{new string('9', 300)}}","calldate":"2025-11-22 10:00:00"}""");
        Assert.Contains("call id", RecordLimits.Violation(longId));
    }

    [Fact]
    public async Task Truncated_json_keeps_the_records_before_the_cut_and_reports_the_file()
    {
        var full = $"[{ExamplePage},{ExamplePage}]";
        var results = await ParseAsync(full[..(full.Length - 200)]);
        Assert.Equal(3, results.Count(r => r.Record is not null));
        var error = results.Last().Quarantined!;
        Assert.True(error.FileLevel);
        Assert.Contains("truncated", error.Reason);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   \n", "empty")]
    [InlineData("<html><body>Service Temporarily Unavailable</body></html>", "not JSON")]
    [InlineData("{\"CallList\":[{\"key\":\"1\"", "not valid JSON")]
    public async Task Unreadable_files_give_one_file_level_entry(string content, string reason)
    {
        var result = Assert.Single(await ParseAsync(content));
        Assert.True(result.Quarantined!.FileLevel);
        Assert.Contains(reason, result.Quarantined.Reason);
    }

    [Fact]
    public async Task An_error_page_inside_a_window_is_quarantined_and_other_pages_kept()
    {
        var results = await ParseAsync($"[{ExamplePage},{{\"success\":false,\"message\":\"Rate limit\"}}]");
        Assert.Equal(3, results.Count(r => r.Record is not null));
        Assert.Contains("no CallList", results.Last().Quarantined!.Reason);
    }

    [Fact]
    public async Task A_utf8_bom_is_accepted()
    {
        var results = await ParseAsync("\uFEFF" + ExamplePage);
        Assert.Equal(3, results.Count(r => r.Record is not null));
    }

    [Fact]
    public async Task Record_json_is_the_public_contract()
    {
        var call = (await ParseAsync(ExamplePage))[1].Record!;
        var json = CallJson.Serialize(call);
        Assert.Contains("\"startUtc\":\"2025-11-22T10:50:00Z\"", json);
        Assert.Contains("\"answerUtc\":null", json);
        Assert.Contains("\"direction\":\"inbound\"", json);
        Assert.Contains("\"outcome\":\"abandoned\"", json);
        Assert.Contains("\"queue\":\"Satış\"", json);
        Assert.Equal(call, CallJson.Deserialize(json));
    }
}
