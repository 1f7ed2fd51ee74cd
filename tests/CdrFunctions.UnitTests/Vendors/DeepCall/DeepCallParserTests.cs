using System.ComponentModel.DataAnnotations;
using System.Text;
using System.Text.Json.Nodes;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Vendors;
using CdrFunctions.Vendors.DeepCall;
using Microsoft.Extensions.DependencyInjection;

namespace CdrFunctions.Tests.Vendors.DeepCall;

public class DeepCallParserTests
{
    private static readonly string Example = Path.Combine(AppContext.BaseDirectory, "Payloads", "DeepCall", "detail-example.json");

    private static async Task<List<ParseResult>> ParseAsync(string json, DeepCallOptions? options = null)
    {
        var parser = DeepCallVendor.CreateParser(options ?? new DeepCallOptions());
        var results = new List<ParseResult>();
        await foreach (var r in parser.ParseAsync(new MemoryStream(Encoding.UTF8.GetBytes(json)), CancellationToken.None))
        {
            results.Add(r);
        }
        return results;
    }

    private static JsonObject ExampleData() => JsonNode.Parse(File.ReadAllText(Example))!["data"]!.DeepClone().AsObject();

    private static string Detail(JsonObject data) => new JsonObject { ["data"] = data }.ToJsonString();

    [Fact]
    public async Task The_seed_detail_example_maps_to_a_call()
    {
        var call = Assert.Single(await ParseAsync(File.ReadAllText(Example))).Record!;
        Assert.Equal("deepcall", call.Vendor);
        Assert.Equal("kyrnwv1c8ps5zq6jcwaxtzicv", call.CallId);
        Assert.Equal(DateTimeOffset.Parse("2025-11-22T10:43:18Z", System.Globalization.CultureInfo.InvariantCulture), call.StartUtc);
        Assert.Equal(CallDirection.Outbound, call.Direction); // CTC: agent first, then the customer
        Assert.Null(call.FromNumber);
        Assert.Equal("+919376162321", call.ToNumber);
        Assert.Equal(0, call.QueueSeconds);
        Assert.Equal(83, call.TalkSeconds);
        Assert.Equal(CallOutcome.Answered, call.Outcome);
        Assert.Equal("24", call.AgentId);
        Assert.Equal("https://v4-api.deepcall.com/api/v2/recording/directstream/s3ss10n/mp3/29791451/2025/11/22/kyrnwv1c8ps5zq6jcwaxtzicv_919376162321_2025-11-22-16-13-37_CTC.mp3", call.RecordingUrl);

        var extras = call.Extras.ToJsonObject();
        Assert.Equal("agent", extras["api"]!["callFirst"]!.GetValue<string>()); // the JSON string, parsed
        Assert.Equal("24", extras["api"]!["agent_id"]!.GetValue<string>());
        Assert.Equal("00:01:13", extras["ctcc"]![0]!["dur"]!.GetValue<string>());
        Assert.Equal("00:00:08", extras["ctc"]![0]!["rgDur"]!.GetValue<string>());
        Assert.Equal("9376162321", extras["cNum"]!.GetValue<string>());
        Assert.Equal("CTC", extras["clTy"]!.GetValue<string>());
        Assert.Equal("00:00:00", extras["dur"]!["c"]!.GetValue<string>());
        Assert.Equal(3, extras["st"]!.GetValue<int>());
    }

    [Fact]
    public async Task Without_tm_the_ist_clDt_and_clTm_give_the_same_instant()
    {
        var data = ExampleData();
        data.Remove("tm");
        var call = Assert.Single(await ParseAsync(Detail(data))).Record!;
        Assert.Equal(new DateTimeOffset(2025, 11, 22, 10, 43, 18, TimeSpan.Zero), call.StartUtc);
    }

    [Fact]
    public async Task A_host_setting_changes_the_recording_url_and_a_top_level_rcrd_wins()
    {
        var data = ExampleData();
        data["rcrd"] = "a*b*c.mp3";
        var call = Assert.Single(await ParseAsync(Detail(data), new DeepCallOptions { Host = new Uri("https://brand.example.in/") })).Record!;
        Assert.Equal("https://brand.example.in/api/v2/recording/directstream/a/b/c.mp3", call.RecordingUrl);
    }

    [Fact]
    public async Task An_error_envelope_is_one_file_level_entry_naming_the_code()
    {
        var bad = Assert.Single(await ParseAsync("""{"status":"error","message":"Invalid token","code":1014}""")).Quarantined!;
        Assert.True(bad.FileLevel);
        Assert.Contains("1014", bad.Reason);
    }

    [Fact]
    public async Task No_data_is_no_calls()
    {
        Assert.Empty(await ParseAsync("""{"data": []}"""));
        Assert.Empty(await ParseAsync("""{"list":[{"data":[]}],"detail":[]}"""));
    }

    [Theory]
    [InlineData("clId", "{\"a\":1}", "field 'clId' is an object")]
    [InlineData("tm", "\"yesterday\"", "field 'tm'")]
    [InlineData("tm", "1763808198", "not epoch milliseconds")]
    [InlineData("dur", "\"00:01:00\"", "field 'dur' is string")]
    [InlineData("ctcc", "{}", "field 'ctcc' is object")]
    [InlineData("cNum", "[1]", "field 'cNum' is an array")]
    public async Task Wrong_types_quarantine_the_record_naming_the_field(string field, string value, string reason)
    {
        var data = ExampleData();
        data[field] = JsonNode.Parse(value);
        var bad = Assert.Single(await ParseAsync(Detail(data))).Quarantined!;
        Assert.Equal("detail", bad.Position);
        Assert.Contains(reason, bad.Reason);
        Assert.Contains("kyrnwv1c8ps5zq6jcwaxtzicv", bad.Raw);
    }

    [Fact]
    public async Task A_bad_duration_and_a_missing_clId_are_quarantined_and_the_rest_still_parses()
    {
        var good = ExampleData();
        var badDuration = ExampleData();
        badDuration["clId"] = "second";
        badDuration["dur"]!["agtOnCl"] = "1:2";
        var noId = ExampleData();
        noId.Remove("clId");
        var page = new JsonObject { ["data"] = new JsonArray(good, badDuration, noId) };
        var results = await ParseAsync(new JsonObject { ["list"] = new JsonArray(page) }.ToJsonString());
        Assert.Equal(3, results.Count);
        Assert.Equal("kyrnwv1c8ps5zq6jcwaxtzicv", results[0].Record!.CallId);
        Assert.Equal("list page 1, record 2", results[1].Quarantined!.Position);
        Assert.Contains("dur.agtOnCl", results[1].Quarantined!.Reason);
        Assert.Equal("list page 1, record 3", results[2].Quarantined!.Position);
        Assert.Contains("'clId' (the call id) is missing", results[2].Quarantined!.Reason);
    }

    [Fact]
    public async Task In_a_window_the_detail_wins_over_the_list_entry_and_unenriched_calls_keep_theirs()
    {
        var listed = new JsonObject { ["clId"] = "kyrnwv1c8ps5zq6jcwaxtzicv", ["tm"] = 1763808198000, ["clTy"] = "CTC" };
        var other = new JsonObject { ["clId"] = "other", ["tm"] = 1763808200000, ["clTy"] = "IBD", ["cNum"] = "9812345678", ["dur"] = new JsonObject { ["q"] = "00:00:07", ["agtOnCl"] = "00:00:00" } };
        var window = new JsonObject
        {
            ["list"] = new JsonArray(new JsonObject { ["data"] = new JsonArray(listed, other) }, new JsonObject { ["oops"] = 1 }),
            ["detail"] = new JsonArray(JsonNode.Parse(File.ReadAllText(Example))),
        };
        var results = await ParseAsync(window.ToJsonString());
        Assert.Equal(3, results.Count);
        var enriched = results[0].Record!;
        Assert.Equal(83, enriched.TalkSeconds);
        var plain = results[1].Record!;
        Assert.Equal("other", plain.CallId);
        Assert.Equal(CallDirection.Inbound, plain.Direction);
        Assert.Equal("+919812345678", plain.FromNumber);
        Assert.Equal(CallOutcome.Missed, plain.Outcome);
        Assert.Equal(7, plain.QueueSeconds);
        Assert.Equal("list page 2", results[2].Quarantined!.Position);
    }

    [Fact]
    public async Task A_push_report_maps_its_documented_fields()
    {
        const string report = """
            {"callId":"p1","callStatus":3,"cType":"IBD","DID":"+918045678900","campId":0,"ivrSTime":"2025-11-22 16:13:18",
             "ivrETime":"2025-11-22 16:15:00","ivrDuration":102,"userId":"29791451","cNumber":"+919376162321","masterAgent":24,
             "firstAttended":"agent","firstAnswerTime":"2025-11-22 16:13:30","lastHangupTime":"2025-11-22 16:14:50"}
            """;
        var call = Assert.Single(await ParseAsync(report)).Record!;
        Assert.Equal("p1", call.CallId);
        Assert.Equal(CallDirection.Inbound, call.Direction);
        Assert.Equal("+919376162321", call.FromNumber);
        Assert.Equal("+918045678900", call.ToNumber);
        Assert.Equal(new DateTimeOffset(2025, 11, 22, 10, 43, 18, TimeSpan.Zero), call.StartUtc);
        Assert.Equal(new DateTimeOffset(2025, 11, 22, 10, 43, 30, TimeSpan.Zero), call.AnswerUtc);
        Assert.Equal(new DateTimeOffset(2025, 11, 22, 10, 44, 50, TimeSpan.Zero), call.EndUtc);
        Assert.Equal(80, call.TalkSeconds);
        Assert.Equal(102, call.TotalSeconds);
        Assert.Equal(CallOutcome.Answered, call.Outcome);
        Assert.Equal("24", call.AgentId);
        Assert.Equal(3, call.Extras.ToJsonObject()["callStatus"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_unanswered_outbound_push_report_failed_and_bad_ones_are_quarantined()
    {
        var call = Assert.Single(await ParseAsync("""{"callId":"p2","cType":"OBD","cNumber":"+919376162321","ivrSTime":"2025-11-22 16:13:18","firstAnswerTime":null}""")).Record!;
        Assert.Equal(CallOutcome.Failed, call.Outcome);
        Assert.Equal("+919376162321", call.ToNumber);
        Assert.Equal(0, call.TalkSeconds);
        Assert.Contains("callId", Assert.Single(await ParseAsync("""{"callId":"","ivrSTime":"2025-11-22 16:13:18"}""")).Quarantined!.Reason);
        Assert.Contains("ivrSTime", Assert.Single(await ParseAsync("""{"callId":"x","ivrSTime":"22/11/2025"}""")).Quarantined!.Reason);
    }

    [Theory]
    [InlineData("IBD", CallDirection.Inbound)]
    [InlineData("OBD", CallDirection.Outbound)]
    [InlineData("CTC", CallDirection.Outbound)]
    [InlineData("QC", CallDirection.Outbound)]
    [InlineData("BRD", CallDirection.Outbound)]
    [InlineData("POOL", CallDirection.Outbound)]
    [InlineData("FLASH", CallDirection.Outbound)]
    [InlineData("MASK", CallDirection.Unknown)]
    [InlineData("OMIT", CallDirection.Unknown)]
    [InlineData(null, CallDirection.Unknown)]
    public void Call_types_map_to_directions(string? type, CallDirection expected) =>
        Assert.Equal(expected, DeepCallCallTypes.Direction(type));

    [Fact]
    public async Task Damaged_files_are_one_file_level_entry()
    {
        Assert.True(Assert.Single(await ParseAsync("")).Quarantined!.FileLevel);
        Assert.True(Assert.Single(await ParseAsync("""{"list":[{"data":[""")).Quarantined!.FileLevel);
        Assert.True(Assert.Single(await ParseAsync("<html>busy</html>")).Quarantined!.FileLevel);
        Assert.True(Assert.Single(await ParseAsync("""{"hello":1}""")).Quarantined!.FileLevel);
    }

    [Fact]
    public void Options_reject_both_credential_kinds_and_a_half_pair()
    {
        static List<ValidationResult> Validate(DeepCallOptions o) => o.Validate(new ValidationContext(o)).ToList();
        Assert.Empty(Validate(new DeepCallOptions { UserId = "1", Token = "t" }));
        Assert.Empty(Validate(new DeepCallOptions { Ssid = "s" }));
        Assert.Contains(Validate(new DeepCallOptions { UserId = "1", Token = "t", Ssid = "s" }), r => r.ErrorMessage!.Contains("not both"));
        Assert.Contains(Validate(new DeepCallOptions { UserId = "1" }), r => r.ErrorMessage!.Contains("go together"));
        Assert.Contains(Validate(new DeepCallOptions { Pull = { Enabled = true } }), r => r.ErrorMessage!.Contains("enabled but lacks"));
        Assert.Contains(Validate(new DeepCallOptions { TimeZone = "Mars/Base" }), r => r.ErrorMessage!.Contains("TimeZone"));
        Assert.Contains(Validate(new DeepCallOptions { Webhook = { Secret = "short" } }), r => r.ErrorMessage!.Contains("Secret"));
    }

    [Fact]
    public async Task The_vendor_parses_through_the_pipeline_interface()
    {
        ICdrVendor vendor = new DeepCallVendor(Microsoft.Extensions.Options.Options.Create(new DeepCallOptions()), new ServiceCollection().BuildServiceProvider(),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<DeepCallVendor>.Instance);
        var results = new List<ParseResult>();
        await foreach (var r in vendor.ParseAsync(File.OpenRead(Example), new RawFileInfo("x.json", null), CancellationToken.None))
        {
            results.Add(r);
        }
        Assert.Equal("kyrnwv1c8ps5zq6jcwaxtzicv", Assert.Single(results).Record!.CallId);
    }
}
