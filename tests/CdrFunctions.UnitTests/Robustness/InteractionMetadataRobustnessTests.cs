using System.Text;
using System.Text.Json.Nodes;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Parsing;
using static CdrFunctions.Tests.Robustness.ParserRuns;

namespace CdrFunctions.Tests.Robustness;

/// <summary>
/// Issue #11 for the Engage Voice interaction-metadata stream: it was guarded only per file, so one bad byte or
/// date in one segment lost every call after it in the file. Now each segment and each call has its own guard:
/// a bad id quarantines that segment (or, for the call id, the call's segments), bad text elsewhere is replaced
/// with a warning on the call, and an out-of-range time or duration is unknown with a warning, or quarantined
/// when it is the dialog's start.
/// </summary>
public class InteractionMetadataRobustnessTests
{
    private static readonly byte[] InvalidUtf8 = [0xC3, 0x28, 0xFF];

    /// <summary>The spec's example segment and a second call after it (another dialog, its own ids).</summary>
    private static string TwoCalls(Action<JsonObject> changeFirst)
    {
        var first = JsonNode.Parse(Payload("EngageVoice", "interaction-metadata-spec-example.json"))!.AsArray()[0]!.DeepClone().AsObject();
        var second = first.DeepClone().AsObject();
        second["dialogId"] = "second-dialog";
        second["segmentId"] = "second-segment";
        second["interactionId"] = "202407221928172035020000000999";
        changeFirst(first);
        return new JsonArray(first, second).ToJsonString();
    }

    private static List<CallRecord> Calls(List<ParseResult> results) => results.Where(r => r.Record is not null).Select(r => r.Record!).ToList();

    private static void AssertSecondCallKept(List<ParseResult> results) =>
        Assert.Contains(Calls(results), c => c.CallId == "202407221928172035020000000999");

    [Theory]
    [InlineData("dialogStartTimeMs", "9999-12-31T23:59:59.999Z")]
    [InlineData("dialogStartTimeMs", "0001-01-01T00:00:00.000Z")]
    public async Task A_dialog_start_out_of_range_quarantines_that_segment_and_keeps_the_rest(string field, string value)
    {
        var results = await InteractionMetadataAsync(TwoCalls(s => s[field] = value));
        Assert.Equal(2, results.Count);
        var bad = Assert.Single(results, r => r.Quarantined is not null).Quarantined!;
        Assert.Equal("segment 1", bad.Position);
        Assert.Contains(field, bad.Reason, StringComparison.Ordinal);
        Assert.Contains("2000–2099", bad.Reason, StringComparison.Ordinal);
        Assert.False(bad.FileLevel);
        AssertSecondCallKept(results);
    }

    [Theory]
    [InlineData("dialogEndTimeMs", "9999-12-31T23:59:59.999Z")]
    [InlineData("segmentEndTimeMs", "0001-01-01T00:00:00.000Z")]
    [InlineData("segmentStartTimeMs", "9999-12-31T23:59:59.999Z")]
    public async Task An_optional_time_out_of_range_is_unknown_with_a_warning(string field, string value)
    {
        var results = await InteractionMetadataAsync(TwoCalls(s => s[field] = value));
        var call = Calls(results).Single(c => c.CallId == "202407221928172035020000000572");
        Assert.Contains(Warnings(call), w => w.Contains(field, StringComparison.Ordinal));
        if (field == "dialogEndTimeMs")
        {
            Assert.Null(call.EndUtc);
        }
        AssertSecondCallKept(results);
    }

    [Theory]
    [InlineData("segmentDurationMs")]
    [InlineData("dialogDurationMs")]
    public async Task A_duration_that_would_overflow_is_unknown_with_a_warning(string field)
    {
        var results = await InteractionMetadataAsync(TwoCalls(s => s[field] = long.MaxValue));
        var call = Calls(results).Single(c => c.CallId == "202407221928172035020000000572");
        Assert.Contains(Warnings(call), w => w.Contains(field, StringComparison.Ordinal));
        if (field == "dialogDurationMs")
        {
            Assert.Null(call.TotalSeconds);
        }
        else
        {
            Assert.Equal(0, call.TalkSeconds);
        }
        AssertSecondCallKept(results);
    }

    [Theory]
    [InlineData("dialogId")]
    [InlineData("segmentId")]
    [InlineData("subAccountId")]
    public async Task A_lone_surrogate_in_a_segment_id_quarantines_that_segment(string field)
    {
        var results = await InteractionMetadataAsync(TwoCalls(s => s[field] = "X-MARK"), "\"X-MARK\"", "\"a\\ud800b\""u8.ToArray());
        var bad = Assert.Single(results, r => r.Quarantined is not null).Quarantined!;
        Assert.Equal("segment 1", bad.Position);
        Assert.Contains(field, bad.Reason, StringComparison.Ordinal);
        Assert.Contains("lone surrogate", bad.Reason, StringComparison.Ordinal);
        Assert.Single(Calls(results));
        AssertSecondCallKept(results);
    }

    [Fact]
    public async Task Invalid_UTF8_in_the_interaction_id_quarantines_the_call_with_the_reason()
    {
        var results = await InteractionMetadataAsync(TwoCalls(s => s["interactionId"] = "X-MARK"), "X-MARK", InvalidUtf8);
        var bad = Assert.Single(results, r => r.Quarantined is not null).Quarantined!;
        Assert.Equal("segment 1", bad.Position);
        Assert.Contains("interactionId", bad.Reason, StringComparison.Ordinal);
        Assert.Contains("call id", bad.Reason, StringComparison.Ordinal);
        Assert.NotNull(bad.Raw);
        AssertSecondCallKept(results);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Bad_text_in_a_field_that_is_no_id_is_replaced_with_a_warning(bool loneSurrogate)
    {
        byte[] bad = loneSurrogate ? "\\udc00"u8.ToArray() : InvalidUtf8;
        var results = await InteractionMetadataAsync(TwoCalls(s =>
        {
            s["agentDisposition"] = "Succ-MARK-ess";
            s["contactEndpointAddress"] = "20137-MARK-70791";
        }), "-MARK-", bad, "-MARK-", bad);
        Assert.Equal(2, results.Count);
        var call = Calls(results).Single(c => c.CallId == "202407221928172035020000000572");
        Assert.Contains(Warnings(call), w => w.Contains("agentDisposition", StringComparison.Ordinal));
        Assert.Contains(Warnings(call), w => w.Contains("contactEndpointAddress", StringComparison.Ordinal));
        Assert.Contains(SafeJson.Replacement, call.Extras.Json);
        _ = CallJson.Serialize(call);
        AssertSecondCallKept(results);
    }

    [Fact]
    public async Task A_lone_surrogate_in_a_property_name_is_a_warning_not_a_lost_file()
    {
        var results = await InteractionMetadataAsync(TwoCalls(s => s["NAME-MARK"] = "x"), "NAME-MARK", "n\\ud800"u8.ToArray());
        Assert.Equal(2, results.Count);
        Assert.NotEmpty(Warnings(Calls(results).Single(c => c.CallId == "202407221928172035020000000572")));
        AssertSecondCallKept(results);
    }

    [Fact]
    public async Task A_segment_over_the_size_cap_is_quarantined_with_a_clear_reason()
    {
        var results = await InteractionMetadataAsync(TwoCalls(s => s["agentDisposition"] = new string('x', ParseGuard.MaxRecordBytes)));
        var bad = Assert.Single(results, r => r.Quarantined is not null).Quarantined!;
        Assert.Equal("segment 1", bad.Position);
        Assert.Contains("over the 1,048,576-byte limit", bad.Reason, StringComparison.Ordinal);
        AssertSecondCallKept(results);
    }

    /// <summary><paramref name="json"/> with each marker replaced, in turn, by raw bytes (invalid UTF-8 included).</summary>
    private static Task<List<ParseResult>> InteractionMetadataAsync(string json, params object[] markersAndBytes)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        for (var i = 0; i < markersAndBytes.Length; i += 2)
        {
            var marker = Encoding.UTF8.GetBytes((string)markersAndBytes[i]);
            var at = bytes.AsSpan().IndexOf(marker);
            Assert.True(at >= 0, $"marker {markersAndBytes[i]} not found");
            bytes = [.. bytes.AsSpan(0, at), .. (byte[])markersAndBytes[i + 1], .. bytes.AsSpan(at + marker.Length)];
        }
        return ParserRuns.InteractionMetadataAsync(bytes);
    }
}
