using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CdrFunctions.Pipeline.Model;
using static CdrFunctions.Tests.Robustness.ParserRuns;

namespace CdrFunctions.Tests.Robustness;

/// <summary>
/// Mutation fuzz of each parser from the vendors' sample payloads with a fixed seed: nothing escapes, every
/// emitted call has an id and a plausible start, and every record that can be counted in the input is
/// emitted or quarantined (a file that cannot be read as a whole ends with a file-level entry instead).
/// </summary>
public class ParserFuzzTests
{
    private const int Inputs = 1200;
    private static readonly JsonDocumentOptions CountOptions = new() { MaxDepth = 64 };

    [Fact]
    public async Task Alotech_survives_mutated_sample_payloads()
    {
        var page = Payload("Alotech", "page-example.json");
        byte[][] seeds = [Encoding.UTF8.GetBytes(page), Encoding.UTF8.GetBytes($"[{page},\n{page}]")];
        await FuzzAsync(seeds, json: true, AlotechAsync, CountAlotech);
    }

    [Fact]
    public async Task DeepCall_survives_mutated_sample_payloads()
    {
        var detail = Payload("DeepCall", "detail-example.json");
        const string push = """{"callId":"p1","callStatus":3,"cType":"IBD","DID":"+918045678900","cNumber":"9376162321","ivrSTime":"2025-11-22 16:13:18","ivrETime":"2025-11-22 16:14:40","firstAnswerTime":"2025-11-22 16:13:30","lastHangupTime":"2025-11-22 16:14:39","masterAgent":"24","ivrDuration":82}""";
        var window = $$"""{"list":[{"data":[{"clId":"kyrnwv1c8ps5zq6jcwaxtzicv","tm":1763808198000},{"clId":"second","tm":1763808199000,"cNum":"9376162322"}]}],"detail":[{{detail}}]}""";
        byte[][] seeds = [Encoding.UTF8.GetBytes(detail), Encoding.UTF8.GetBytes(push), Encoding.UTF8.GetBytes(window)];
        await FuzzAsync(seeds, json: true, DeepCallAsync, CountDeepCall);
    }

    [Fact]
    public async Task EngageVoice_survives_mutated_sample_payloads()
    {
        var rows = Payload("EngageVoice", "seed-rows.csv");
        var header = string.Join(',', CdrFunctions.Vendors.EngageVoice.EngageVoiceParser.Columns) + "\r\n";
        byte[][] seeds = [Encoding.UTF8.GetBytes(rows), Encoding.UTF8.GetBytes(header + rows.ReplaceLineEndings("\r\n"))];
        await FuzzAsync(seeds, json: false, EngageVoiceAsync, CountEngageVoice);
    }

    [Fact]
    public async Task EngageVoice_interaction_metadata_survives_mutated_sample_payloads()
    {
        var example = Payload("EngageVoice", "interaction-metadata-spec-example.json");
        // The spec's one segment, and two dialogs of three segments (an IVR leg before the agent's, and another call).
        var agent = JsonNode.Parse(example)!.AsArray()[0]!.AsObject();
        var ivr = agent.DeepClone().AsObject();
        ivr["segmentId"] = "ivr-leg";
        ivr["segmentType"] = "IVR";
        ivr["systemDisposition"] = null;
        var other = agent.DeepClone().AsObject();
        other["dialogId"] = "other-dialog";
        other["interactionId"] = "202407221928172035020000000999";
        other["dialogOrigination"] = "OUTBOUND";
        byte[][] seeds = [Encoding.UTF8.GetBytes(example), Encoding.UTF8.GetBytes(new JsonArray(ivr, agent.DeepClone(), other).ToJsonString())];
        await FuzzAsync(seeds, json: true, InteractionMetadataAsync, CountSegments, SegmentsCovered);
    }

    private static async Task FuzzAsync(
        byte[][] seeds, bool json, Func<byte[], Task<List<ParseResult>>> parse, Func<byte[], int?> count, Func<List<ParseResult>, int>? covered = null)
    {
        var mutator = new Mutator(seed: 11, json);
        var counted = 0;
        for (var i = 0; i < Inputs; i++)
        {
            var input = mutator.Mutate(seeds[i % seeds.Length]);
            List<ParseResult> results;
            try
            {
                results = await parse(input);
            }
            catch (Exception e)
            {
                Assert.Fail($"input {i} escaped the parser with {e}\n{Show(input)}");
                return;
            }
            foreach (var call in results.Select(r => r.Record).OfType<CallRecord>())
            {
                Assert.False(string.IsNullOrWhiteSpace(call.CallId), $"input {i}: a call without an id\n{Show(input)}");
                Assert.True(call.StartUtc is null || call.StartUtc.Value.Year is >= 1999 and <= 2100, $"input {i}: start {call.StartUtc}\n{Show(input)}");
                _ = CallJson.Serialize(call);
            }
            if (results.Any(r => r.Quarantined?.FileLevel == true))
            {
                continue;
            }
            if (CountOrNull(count, input) is { } expected)
            {
                counted++;
                var actual = covered?.Invoke(results) ?? results.Count;
                Assert.True(expected == actual, $"input {i}: {expected} record(s) in the input, {actual} emitted or quarantined\n{Show(input)}");
            }
        }
        Assert.True(counted > Inputs / 10, $"only {counted} inputs could be counted");
    }

    /// <summary>Inputs whose names hold lone surrogates make the framework's lookups throw: those are not counted.</summary>
    private static int? CountOrNull(Func<byte[], int?> count, byte[] input)
    {
        try
        {
            return count(input);
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static string Show(byte[] input) => Encoding.UTF8.GetString(input.AsSpan(0, Math.Min(input.Length, 3000)));

    private static JsonDocument? TryParse(byte[] input)
    {
        var span = input.AsSpan();
        if (span.StartsWith("\uFEFF"u8))
        {
            span = span[3..];
        }
        try
        {
            return JsonDocument.Parse(span.ToArray(), CountOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Records in a page: its CallList's length; a page without one is one quarantine entry.</summary>
    private static int? CountAlotech(byte[] input)
    {
        using var doc = TryParse(input);
        if (doc is null)
        {
            return null;
        }
        var root = doc.RootElement;
        static int Page(JsonElement page) =>
            page.ValueKind == JsonValueKind.Object && page.TryGetProperty("CallList", out var list) && list.ValueKind == JsonValueKind.Array ? list.GetArrayLength() : 1;
        if (root.ValueKind == JsonValueKind.Object)
        {
            return Page(root);
        }
        if (root.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        var items = root.EnumerateArray().ToList();
        var pages = items.Count > 0 && items[0].ValueKind == JsonValueKind.Object && items[0].TryGetProperty("CallList", out _);
        return pages ? items.Sum(Page) : items.Count;
    }

    private static string? Id(JsonElement obj, string field)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(field, out var v))
        {
            return null;
        }
        try
        {
            var text = v.ValueKind == JsonValueKind.String ? v.GetString()!.Trim() : v.ValueKind == JsonValueKind.Number ? v.GetRawText() : null;
            return string.IsNullOrEmpty(text) ? null : text;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>A window: every list item once (merged with its detail), plus details no list item used; else one record.</summary>
    private static int? CountDeepCall(byte[] input)
    {
        using var doc = TryParse(input);
        if (doc is null || doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var root = doc.RootElement;
        if (root.TryGetProperty("list", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            var detailIds = new List<string?>();
            if (root.TryGetProperty("detail", out var details) && details.ValueKind == JsonValueKind.Array)
            {
                foreach (var d in details.EnumerateArray())
                {
                    detailIds.Add(d.ValueKind == JsonValueKind.Object && d.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object ? Id(data, "clId") : null);
                }
            }
            var listIds = new List<string?>();
            var count = 0;
            foreach (var page in list.EnumerateArray())
            {
                if (page.ValueKind == JsonValueKind.Object && page.TryGetProperty("data", out var items) && items.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in items.EnumerateArray())
                    {
                        listIds.Add(Id(item, "clId"));
                        count++;
                    }
                }
                else
                {
                    count++;
                }
            }
            var firstOfId = detailIds.Where(id => id is not null).Distinct().ToHashSet();
            var used = firstOfId.Count(id => listIds.Contains(id));
            return count + detailIds.Count - used;
        }
        if (root.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String && status.ValueEquals("error"))
        {
            return null;
        }
        if (root.TryGetProperty("callId", out _))
        {
            return 1;
        }
        if (root.TryGetProperty("data", out var single))
        {
            return single.ValueKind switch
            {
                JsonValueKind.Object => 1,
                JsonValueKind.Array => single.GetArrayLength(),
                _ => null,
            };
        }
        return null;
    }

    /// <summary>
    /// interaction-metadata: the items of the response array (segments). Segments repeated under one key are
    /// one segment to the parser (the last copy wins), so such inputs are not counted.
    /// </summary>
    private static int? CountSegments(byte[] input)
    {
        using var doc = TryParse(input);
        if (doc is null || doc.RootElement.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        var keys = new HashSet<(string, string, string)>();
        var count = 0;
        foreach (var item in doc.RootElement.EnumerateArray())
        {
            count++;
            if (Id(item, "subAccountId") is { } sub && Id(item, "dialogId") is { } dialog && Id(item, "segmentId") is { } segment && !keys.Add((sub, dialog, segment)))
            {
                return null;
            }
        }
        return count;
    }

    /// <summary>Segments the parser accounted for: each call's segments (in its extras), plus one per quarantine entry.</summary>
    private static int SegmentsCovered(List<ParseResult> results) =>
        results.Sum(r => r.Record is { } call ? call.Extras.ToJsonObject()["segments"]!.AsArray().Count : 1);

    /// <summary>Non-empty lines, less a header line (one naming the uii column).</summary>
    private static int? CountEngageVoice(byte[] input)
    {
        if (!System.Text.Unicode.Utf8.IsValid(input) || input.Contains((byte)'"'))
        {
            return null;
        }
        var lines = Encoding.UTF8.GetString(input).TrimStart('\uFEFF').Split(["\r\n", "\n", "\r"], StringSplitOptions.None)
            .Where(l => l.Length > 0).ToList();
        if (lines.Count > 0 && lines[0].Split(',').Any(f => f.Trim().Equals("uii", StringComparison.OrdinalIgnoreCase)))
        {
            lines.RemoveAt(0);
        }
        return lines.Count;
    }
}
