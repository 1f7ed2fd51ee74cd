using System.Text.Json.Nodes;
using CdrFunctions.Pipeline.Model;
using static CdrFunctions.Tests.Robustness.ParserRuns;

namespace CdrFunctions.Tests.Robustness;

/// <summary>Issue #11's parser reproductions: each used to end `cdr parse` with an unhandled exception.</summary>
public class ParserReproductionTests
{
    private static readonly byte[] InvalidUtf8 = [0xC3, 0x28, 0xFF];

    private static string AlotechPage(Action<JsonObject> change)
    {
        var page = JsonNode.Parse(Payload("Alotech", "page-example.json"))!.AsObject();
        change(page["CallList"]![0]!.AsObject());
        return page.ToJsonString();
    }

    private static string DeepCallDetail(Action<JsonObject> change)
    {
        var doc = JsonNode.Parse(Payload("DeepCall", "detail-example.json"))!.AsObject();
        change(doc["data"]!.AsObject());
        return doc.ToJsonString();
    }

    [Fact]
    public async Task An_Alotech_zero_calldate_quarantines_that_record_and_keeps_the_rest()
    {
        var results = await AlotechAsync(AlotechPage(r => r["calldate"] = "0001-01-01 00:00:00"));
        Assert.Equal(3, results.Count);
        Assert.Contains("calldate", results[0].Quarantined!.Reason);
        Assert.NotNull(results[1].Record);
        Assert.NotNull(results[2].Record);
    }

    [Theory]
    [InlineData("9999-12-31 23:59:59")]
    [InlineData("0001-01-01 01:00:00")]
    public async Task An_Alotech_optional_time_out_of_range_is_unknown_with_a_warning(string time)
    {
        var call = (await AlotechAsync(AlotechPage(r => r["hangupdate"] = time)))[0].Record!;
        Assert.Null(call.EndUtc);
        Assert.Contains(Warnings(call), w => w.Contains("hangupdate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_DeepCall_clDt_in_year_one_quarantines_the_call_with_the_reason()
    {
        var results = await DeepCallAsync(DeepCallDetail(d =>
        {
            d.Remove("tm");
            d["clDt"] = "01/Jan/0001";
        }));
        Assert.Contains("clDt", Assert.Single(results).Quarantined!.Reason);
    }

    [Theory]
    [InlineData("0001-01-01 00:00:00")]
    [InlineData("0001-01-01 03:00:00")]
    [InlineData("9999-12-31 23:59:59")]
    public async Task A_DeepCall_push_ivrSTime_in_year_one_or_9999_is_quarantined(string time)
    {
        var results = await DeepCallAsync($$"""{"callId":"p1","cType":"IBD","ivrSTime":"{{time}}"}""");
        Assert.Contains("ivrSTime", Assert.Single(results).Quarantined!.Reason);
    }

    [Fact]
    public async Task An_Engage_Voice_time_of_year_9999_is_quarantined()
    {
        var csv = Payload("EngageVoice", "seed-rows.csv").Replace("4/20/20 6:12 AM,4/20/20 6:12 AM", "12/31/9999 11:59 PM,4/20/20 6:12 AM", StringComparison.Ordinal);
        var results = await EngageVoiceAsync(csv);
        Assert.Equal(3, results.Count);
        Assert.Contains("enqueue_time", results[0].Quarantined!.Reason);
        Assert.NotNull(results[1].Record);
    }

    [Fact]
    public async Task An_Engage_Voice_inbound_duration_that_overflows_is_unknown_with_a_warning()
    {
        var csv = Payload("EngageVoice", "seed-rows.csv").Replace("CONNECTED,24,", "CONNECTED,99999999999,", StringComparison.Ordinal);
        var call = (await EngageVoiceAsync(csv))[0].Record!;
        Assert.Null(call.TotalSeconds);
        Assert.Null(call.EndUtc);
        Assert.Contains(Warnings(call), w => w.Contains("inbound_duration", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Invalid_UTF8_in_an_Alotech_id_quarantines_the_record()
    {
        var json = AlotechPage(r => r["key"] = "BADKEY");
        var result = (await AlotechAsync(WithBytes(json, "BADKEY", InvalidUtf8)))[0];
        Assert.Contains("'key'", result.Quarantined!.Reason);
    }

    [Fact]
    public async Task Invalid_UTF8_in_a_pass_through_field_is_replaced_with_a_warning_on_the_record()
    {
        var json = AlotechPage(r => r["channel"] = "SIP/BAD");
        var call = (await AlotechAsync(WithBytes(json, "BAD", InvalidUtf8)))[0].Record!;
        Assert.Contains('\uFFFD', call.Extras.ToJsonObject()["channel"]!.GetValue<string>());
        Assert.Contains(Warnings(call), w => w.Contains("'channel'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_lone_surrogate_escape_in_an_id_quarantines_and_elsewhere_warns()
    {
        var inId = (await AlotechAsync(AlotechPage(r => r["key"] = "LONE").Replace("LONE", "a\\ud800b", StringComparison.Ordinal)))[0];
        Assert.NotNull(inId.Quarantined);

        var inAgent = (await AlotechAsync(AlotechPage(r => r["agent"] = "LONE").Replace("LONE", "x\\ud800", StringComparison.Ordinal)))[0].Record!;
        Assert.Equal("x\uFFFD", inAgent.AgentName);
        Assert.Contains(Warnings(inAgent), w => w.Contains("'agent'", StringComparison.Ordinal));

        var inName = (await AlotechAsync(AlotechPage(r => r["LONE"] = 1).Replace("LONE", "\\udc00k", StringComparison.Ordinal)))[0].Record!;
        Assert.Equal(1, inName.Extras.ToJsonObject()["\uFFFDk"]!.GetValue<int>());
    }

    [Fact]
    public async Task Bad_text_in_DeepCall_ids_quarantines_and_in_other_fields_warns()
    {
        var id = Assert.Single(await DeepCallAsync(WithBytes(DeepCallDetail(d => d["clId"] = "IDX"), "IDX", InvalidUtf8)));
        Assert.Contains("clId", id.Quarantined!.Reason);

        var push = Assert.Single(await DeepCallAsync("""{"callId":"a\ud800","ivrSTime":"2025-11-22 16:13:18"}"""));
        Assert.NotNull(push.Quarantined);

        var api = Assert.Single(await DeepCallAsync(DeepCallDetail(d => d["api"] = "{\"x\":\"LONE\"}").Replace("LONE", "\\\\ud800", StringComparison.Ordinal))).Record!;
        Assert.Contains(Warnings(api), w => w.Contains("'api'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Invalid_UTF8_in_an_Engage_Voice_uii_quarantines_and_elsewhere_warns()
    {
        var csv = Payload("EngageVoice", "seed-rows.csv");
        var inId = await EngageVoiceAsync(WithBytes(csv, "'202004250912250132110000003150", [.. "'2020"u8, .. InvalidUtf8]));
        Assert.Contains("uii", inId[0].Quarantined!.Reason);
        Assert.NotNull(inId[1].Record);

        var inProfile = (await EngageVoiceAsync(WithBytes(csv, "1111,DTE", [.. "1111,D"u8, .. InvalidUtf8])))[0].Record!;
        Assert.Contains("\uFFFD", inProfile.Queue, StringComparison.Ordinal);
        Assert.Contains(Warnings(inProfile), w => w.Contains("profile_name", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_second_DeepCall_detail_with_the_same_clId_is_quarantined_not_dropped()
    {
        var detail = Payload("DeepCall", "detail-example.json");
        var window = $$"""{"list":[{"data":[{"clId":"kyrnwv1c8ps5zq6jcwaxtzicv"}]}],"detail":[{{detail}},{{detail}}]}""";
        var results = await DeepCallAsync(window);
        Assert.Single(results, r => r.Record is not null);
        Assert.Contains("second detail", Assert.Single(results, r => r.Quarantined is not null).Quarantined!.Reason);
    }

    [Fact]
    public async Task A_record_over_the_size_cap_is_quarantined_with_a_clear_reason()
    {
        var big = new string('x', CdrFunctions.Pipeline.Parsing.ParseGuard.MaxRecordBytes);
        var results = await AlotechAsync(AlotechPage(r => r["channel"] = big));
        Assert.Contains("limit", results[0].Quarantined!.Reason);
        Assert.NotNull(results[1].Record);
    }
}
