using System.Text;
using System.Text.Json.Nodes;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Pipeline.Vendors;
using CdrFunctions.Vendors.EngageVoice;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CdrFunctions.Tests.Vendors.EngageVoice;

public class EngageVoiceInteractionParserTests
{
    internal static readonly string SpecExample = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Payloads", "EngageVoice", "interaction-metadata-spec-example.json"));

    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    internal static EngageVoiceVendor Vendor(EngageVoiceStream stream = EngageVoiceStream.InteractionMetadata) =>
        new(Options.Create(new EngageVoiceOptions { Stream = stream }), new ServiceCollection().BuildServiceProvider());

    private static async Task<List<ParseResult>> ParseAsync(string text, TimeWindow? window = null, params string[] followers)
    {
        var results = new List<ParseResult>();
        var others = followers.Select((f, i) => ((Stream)new MemoryStream(Encoding.UTF8.GetBytes(f)), new RawFileInfo($"f{i}.json", null))).ToList();
        await foreach (var r in Vendor().ParseWithFollowersAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), new RawFileInfo("engagevoice/test.json", window), others, CancellationToken.None))
        {
            results.Add(r);
        }
        return results;
    }

    private static List<CallRecord> Calls(List<ParseResult> results) => results.Where(r => r.Record is not null).Select(r => r.Record!).ToList();

    /// <summary>A segment like the spec's, with the dialog fields repeated; times are minutes after <see cref="T0"/>.</summary>
    internal static JsonObject Segment(string dialog, string segment, string type, double from, double to, string? disposition = null,
        string origination = "INBOUND", string sub = "99999999", string? interaction = "202611220500000100000000000001", double dialogEnd = 30, string? agent = "449438", string? group = "76873") => new()
    {
        ["subAccountId"] = sub,
        ["dialogId"] = dialog,
        ["interactionId"] = interaction,
        ["channelType"] = "VOICE",
        ["channelClass"] = "VOICE",
        ["channelEndpointAddress"] = "7312066731",
        ["contactEndpointAddress"] = "2013770791",
        ["dialogOrigination"] = origination,
        ["dialogStartTimeMs"] = Iso(0),
        ["dialogEndTimeMs"] = Iso(dialogEnd),
        ["dialogDurationMs"] = (long)(dialogEnd * 60_000),
        ["segmentId"] = segment,
        ["segmentType"] = type,
        ["segmentStartTimeMs"] = Iso(from),
        ["segmentEndTimeMs"] = Iso(to),
        ["segmentDurationMs"] = (long)((to - from) * 60_000),
        ["segmentParticipantId"] = type == "AGENT" ? agent : null,
        ["segmentAgentGroupId"] = type == "AGENT" ? group : null,
        ["systemDisposition"] = disposition,
        ["hasRecording"] = type == "AGENT",
        ["hasTranscript"] = false,
        ["segmentEvents"] = new JsonArray(),
    };

    internal static string Iso(double minutes) => T0.AddMinutes(minutes).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    internal static string Array(params JsonObject[] segments) => new JsonArray(segments.Select(s => (JsonNode)s).ToArray()).ToJsonString();

    [Fact]
    public async Task The_spec_example_maps_field_by_field()
    {
        var results = await ParseAsync(SpecExample);
        Assert.All(results, r => Assert.Null(r.Quarantined));
        var call = Assert.Single(Calls(results));
        Assert.Equal("engagevoice", call.Vendor);
        Assert.Equal("202407221928172035020000000572", call.CallId);
        Assert.Equal(CallDirection.Inbound, call.Direction);
        Assert.Equal("+12013770791", call.FromNumber);
        Assert.Equal("+17312066731", call.ToNumber);
        Assert.Equal(new DateTimeOffset(2024, 7, 22, 11, 24, 40, TimeSpan.Zero), call.StartUtc);
        Assert.Equal(new DateTimeOffset(2024, 7, 22, 11, 24, 47, TimeSpan.Zero), call.EndUtc);
        Assert.Equal(7, call.TotalSeconds);
        // The example's only segment has no start time: the first segment of a dialog starts with it.
        Assert.Equal(new DateTimeOffset(2024, 7, 22, 11, 24, 40, TimeSpan.Zero), call.AnswerUtc);
        Assert.Equal(0, call.QueueSeconds);
        Assert.Equal(7, call.TalkSeconds);
        Assert.Equal(CallOutcome.Answered, call.Outcome);
        Assert.Equal("449438", call.AgentId);
        Assert.Equal("76873", call.Queue);
        Assert.Equal(0, call.TransferCount);
        Assert.Null(call.RecordingUrl);

        var extras = call.Extras.ToJsonObject();
        Assert.Equal("99999999", (string?)extras["subAccountId"]);
        Assert.Equal("s-v-93bd…-1721690897808", (string?)extras["dialogId"]);
        Assert.Equal("202407221928172035020000000572", (string?)extras["interactionId"]);
        Assert.Equal("VOICE", (string?)extras["channelType"]);
        Assert.Equal("VOICE", (string?)extras["channelClass"]);
        Assert.Equal("INBOUND", (string?)extras["dialogOrigination"]);
        Assert.Equal(7000, (long?)extras["dialogDurationMs"]);
        Assert.True((bool?)extras["hasRecording"]);
        Assert.True((bool?)extras["hasTranscript"]);
        var segment = Assert.Single(extras["segments"]!.AsArray())!.AsObject();
        Assert.Equal("p-v-93bd…-190dcc63d90ab", (string?)segment["segmentId"]);
        Assert.Equal("AGENT", (string?)segment["segmentType"]);
        Assert.Equal("449438", (string?)segment["segmentParticipantId"]);
        Assert.Equal("985901004", (string?)segment["segmentParticipantRcExtensionId"]);
        Assert.Equal(7000, (long?)segment["segmentDurationMs"]);
        Assert.Equal("76873", (string?)segment["segmentAgentGroupId"]);
        Assert.Equal("ANSWER", (string?)segment["systemDisposition"]);
        Assert.Equal("Success", (string?)segment["agentDisposition"]);
        Assert.True((bool?)segment["hasRecording"]);
        Assert.True((bool?)segment["hasTranscript"]);
        Assert.Equal("REC_START", (string?)segment["segmentEvents"]![0]!["eventType"]);
        // Dialog-level fields are kept once per call, not repeated in every segment.
        Assert.Null(segment["dialogId"]);
    }

    [Fact]
    public async Task An_ivr_leg_and_a_transfer_between_two_agents_are_one_call()
    {
        var text = Array(
            Segment("d1", "s3", "AGENT", 12, 30, "ANSWER", agent: "222", group: "g2"),
            Segment("d1", "s1", "IVR", 0, 2),
            Segment("d1", "s2", "AGENT", 2, 12, "ANSWER", agent: "111", group: "g1"));
        var call = Assert.Single(Calls(await ParseAsync(text)));
        Assert.Equal(T0.AddMinutes(2), call.AnswerUtc);
        Assert.Equal(120, call.QueueSeconds);
        Assert.Equal(28 * 60, call.TalkSeconds);
        Assert.Equal(30 * 60, call.TotalSeconds);
        Assert.Equal("111", call.AgentId);
        Assert.Equal("g1", call.Queue);
        Assert.Equal(1, call.TransferCount);
        var order = call.Extras.ToJsonObject()["segments"]!.AsArray().Select(s => (string?)s!["segmentId"]).ToList();
        Assert.Equal(["s1", "s2", "s3"], order);
    }

    [Fact]
    public async Task Outbound_numbers_are_the_other_way_round()
    {
        var call = Assert.Single(Calls(await ParseAsync(Array(Segment("d1", "s1", "AGENT", 0, 3, "ANSWER", origination: "OUTBOUND")))));
        Assert.Equal(CallDirection.Outbound, call.Direction);
        Assert.Equal("+17312066731", call.FromNumber);
        Assert.Equal("+12013770791", call.ToNumber);
    }

    [Theory]
    [InlineData("INBOUND", "IVR", null, CallOutcome.Abandoned)]
    [InlineData("OUTBOUND", "IVR", null, CallOutcome.Failed)]
    [InlineData("INBOUND", "BOT", null, CallOutcome.Abandoned)]
    [InlineData("INBOUND", "AGENT", "NOANSWER", CallOutcome.Missed)]
    [InlineData("INBOUND", "AGENT", null, CallOutcome.Missed)]
    [InlineData("INBOUND", "IVR", "ABANDON", CallOutcome.Abandoned)]
    [InlineData("INBOUND", "AGENT", "VOICEMAIL", CallOutcome.Voicemail)]
    [InlineData("INBOUND", "AGENT", "ANSWER", CallOutcome.Answered)]
    public async Task Outcome_follows_the_documented_rules(string origination, string type, string? disposition, CallOutcome expected)
    {
        var call = Assert.Single(Calls(await ParseAsync(Array(Segment("d1", "s1", type, 0, 3, disposition, origination)))));
        Assert.Equal(expected, call.Outcome);
        if (expected != CallOutcome.Answered)
        {
            Assert.Null(call.AnswerUtc);
        }
        Assert.Equal(type == "AGENT" ? null : true, (bool?)call.Extras.ToJsonObject()["ivrOnly"]);
    }

    [Fact]
    public async Task The_call_id_falls_back_to_the_dialog_id_and_dialogs_of_two_sub_accounts_stay_apart()
    {
        var text = Array(
            Segment("same-dialog", "s1", "AGENT", 0, 3, "ANSWER", interaction: null, sub: "1"),
            Segment("same-dialog", "s1", "AGENT", 0, 4, "ANSWER", interaction: "202611220500000100000000000777", sub: "2"));
        var calls = Calls(await ParseAsync(text));
        Assert.Equal(["same-dialog", "202611220500000100000000000777"], calls.Select(c => c.CallId));
    }

    [Fact]
    public async Task A_segment_sent_twice_counts_once_the_last_copy_winning()
    {
        var text = Array(
            Segment("d1", "s1", "IVR", 0, 1),
            Segment("d1", "s2", "AGENT", 1, 5, "ANSWER"),
            Segment("d1", "s2", "AGENT", 1, 6, "ANSWER"));
        var call = Assert.Single(Calls(await ParseAsync(text)));
        Assert.Equal(300, call.TalkSeconds);
        Assert.Equal(2, call.Extras.ToJsonObject()["segments"]!.AsArray().Count);
    }

    [Fact]
    public async Task Bad_segments_are_quarantined_with_their_position_and_the_rest_is_read()
    {
        var broken = Segment("d2", "x", "AGENT", 0, 1);
        broken["dialogStartTimeMs"] = "yesterday";
        var noDialog = Segment("d3", "y", "IVR", 0, 1);
        noDialog.Remove("dialogId");
        var badDuration = Segment("d4", "z", "AGENT", 0, 1);
        badDuration["segmentDurationMs"] = -5;
        var text = "[" + string.Join(',', Segment("d1", "s1", "AGENT", 0, 3, "ANSWER").ToJsonString(), broken.ToJsonString(), "42", noDialog.ToJsonString(), badDuration.ToJsonString()) + "]";
        var results = await ParseAsync(text);
        Assert.Single(Calls(results));
        var bad = results.Where(r => r.Quarantined is not null).Select(r => r.Quarantined!).ToList();
        Assert.Equal(["segment 2", "segment 3", "segment 4", "segment 5"], bad.Select(q => q.Position));
        Assert.Contains("dialogStartTimeMs", bad[0].Reason, StringComparison.Ordinal);
        Assert.Contains("expected an object", bad[1].Reason, StringComparison.Ordinal);
        Assert.Contains("dialogId", bad[2].Reason, StringComparison.Ordinal);
        Assert.Contains("segmentDurationMs", bad[3].Reason, StringComparison.Ordinal);
        Assert.All(bad, q => Assert.False(q.FileLevel));
        Assert.Contains("yesterday", bad[0].Raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_window_of_two_sub_accounts_is_their_two_responses_one_per_line()
    {
        var text = Array(Segment("d1", "s1", "AGENT", 0, 3, "ANSWER", sub: "1")) + "\n" + "[" + Segment("d2", "s1", "IVR", 0, 1, sub: "2").ToJsonString() + ",\"oops\"]";
        var results = await ParseAsync(text);
        Assert.Equal(2, Calls(results).Count);
        Assert.Equal("response 2, segment 2", Assert.Single(results, r => r.Quarantined is not null).Quarantined!.Position);
    }

    [Fact]
    public async Task An_error_body_is_a_file_level_quarantine_and_a_cut_off_file_keeps_what_was_read()
    {
        var error = await ParseAsync("""{"generalMessage":"Access is denied","developerMessage":"no WEM access","requestUri":"/x","timestamp":1}""");
        var q = Assert.Single(error).Quarantined!;
        Assert.True(q.FileLevel);
        Assert.Contains("Access is denied", q.Reason, StringComparison.Ordinal);

        var full = Array(Segment("d1", "s1", "AGENT", 0, 3, "ANSWER"), Segment("d2", "s1", "AGENT", 0, 3, "ANSWER"));
        var cut = await ParseAsync(full[..(full.Length - 40)]);
        Assert.Contains(cut, r => r.Quarantined is { Position: "end of file" });
    }

    [Fact]
    public async Task Followers_complete_the_calls_of_the_window_and_add_those_that_started_in_it()
    {
        var window = new TimeWindow(T0, T0.AddHours(1));
        // d1 started in the window, its IVR leg ended in it, its agent leg in the next window.
        var own = Array(Segment("d1", "s1", "IVR", 0, 2));
        // d9 started in the window but every leg ended later; d5 belongs to the next window entirely.
        var d9 = Segment("d9", "s1", "IVR", 50, 70);
        var d5 = Segment("d5", "s1", "AGENT", 65, 70, "ANSWER");
        d5["dialogStartTimeMs"] = Iso(65);
        var next = Array(Segment("d1", "s2", "AGENT", 2, 75, "ANSWER", dialogEnd: 75), d9, d5);
        var calls = Calls(await ParseAsync(own, window, next));
        Assert.Equal(["202611220500000100000000000001", "202611220500000100000000000001"], calls.Select(c => c.CallId));
        var d1 = calls[0];
        Assert.Equal(2, d1.Extras.ToJsonObject()["segments"]!.AsArray().Count);
        Assert.Equal(73 * 60, d1.TalkSeconds);
        Assert.Equal(T0.AddMinutes(75), d1.EndUtc);
        Assert.Equal("d9", (string?)calls[1].Extras.ToJsonObject()["dialogId"]);
    }

    [Fact]
    public async Task Content_decides_the_format_a_csv_is_still_the_call_detail_report()
    {
        var results = new List<ParseResult>();
        var csv = EngageVoiceParserTests.DocsHeader + "\n" + EngageVoiceParserTests.SeedRows;
        await foreach (var r in Vendor(EngageVoiceStream.CallDetailReport).ParseAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)), new RawFileInfo("x.csv", null), CancellationToken.None))
        {
            results.Add(r);
        }
        Assert.Equal(3, Calls(results).Count);
        var json = new List<ParseResult>();
        await foreach (var r in Vendor(EngageVoiceStream.CallDetailReport).ParseAsync(new MemoryStream(Encoding.UTF8.GetBytes("\n  " + SpecExample)), new RawFileInfo("x.json", null), CancellationToken.None))
        {
            json.Add(r);
        }
        Assert.Equal("202407221928172035020000000572", Assert.Single(Calls(json)).CallId);
    }

    [Theory]
    [InlineData("\"channelType\":\"VOICE\"", "\"channelType\":\"VO\\ud800ICE\"")]
    [InlineData("\"subAccountId\":\"99999999\"", "\"subAccountId\":\"\\udfff\"")]
    [InlineData("\"dialogStartTimeMs\":\"2024-07-22T11:24:40.000Z\"", "\"dialogStartTimeMs\":\"9999-12-31T23:59:59.999Z\"")]
    [InlineData("\"segmentDurationMs\":7000", "\"segmentDurationMs\":9223372036854775807")]
    public async Task Bad_text_or_extreme_values_in_a_segment_never_escape_the_parser(string field, string replacement)
    {
        Assert.Contains(field, SpecExample, StringComparison.Ordinal);
        var results = await ParseAsync(SpecExample.Replace(field, replacement, StringComparison.Ordinal));
        Assert.NotEmpty(results);
        Assert.All(results, r => Assert.True(r.Record is not null || r.Quarantined is { Reason.Length: > 0 }));
    }

    [Fact]
    public async Task Invalid_utf8_in_a_segment_never_escapes_the_parser()
    {
        var bytes = Encoding.UTF8.GetBytes(SpecExample.Replace("\"VOICE\"", "\"VO#ICE\"", StringComparison.Ordinal));
        bytes[System.Array.IndexOf(bytes, (byte)'#')] = 0xFF;
        var results = new List<ParseResult>();
        await foreach (var r in Vendor().ParseWithFollowersAsync(new MemoryStream(bytes), new RawFileInfo("engagevoice/test.json", null), [], CancellationToken.None))
        {
            results.Add(r);
        }
        Assert.NotEmpty(results);
        Assert.All(results, r => Assert.True(r.Record is not null || r.Quarantined is { Reason.Length: > 0 }));
    }
}
