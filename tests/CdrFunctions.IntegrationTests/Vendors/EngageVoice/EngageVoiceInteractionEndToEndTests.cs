using System.Text;
using Azure.Data.Tables;
using CdrFunctions.Pipeline.Landing;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Pipeline.Pull;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Pipeline.Vendors;
using CdrFunctions.Simulators.EngageVoice;
using Microsoft.Extensions.DependencyInjection;
using CdrFunctions.Tests.Integration;

namespace CdrFunctions.Tests.Vendors.EngageVoice;

/// <summary>RingCX interaction-metadata: simulator (two sub-accounts, their limits) → pull → raw JSON → normalize, on a real Azurite.</summary>
public class EngageVoiceInteractionEndToEndTests
{
    // The harness clock starts at 2026-11-22 12:07 UTC.
    private static readonly DateTimeOffset Day = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken None = CancellationToken.None;

    private static Task<EngageVoiceHarness> StartAsync(Dictionary<string, string?>? extra = null)
    {
        var settings = EngageVoiceHarness.InteractionMetadata();
        settings["Vendors:EngageVoice:WindowSize"] = "01:00:00";
        // A run that would have to wait for a permit stops instead (the fake clock does not move by itself).
        settings["Vendors:EngageVoice:RateLimitMaxWait"] = "00:00:00";
        foreach (var (k, v) in extra ?? [])
        {
            settings[k] = v;
        }
        return EngageVoiceHarness.StartAsync(settings: settings);
    }

    private static List<EngageVoiceRequestLog> Interactions(EngageVoiceHarness h) => h.Simulator.InteractionRequests.ToList();

    private static async Task<Dictionary<string, List<TableEntity>>> CallRowsAsync(EngageVoiceHarness h)
    {
        var rows = new Dictionary<string, List<TableEntity>>();
        await foreach (var e in h.Storage.Calls.QueryAsync<TableEntity>(e => e.PartitionKey == "day|engagevoice|20261122"))
        {
            var id = e.GetString("CallId") ?? e.RowKey;
            if (!rows.TryGetValue(id, out var list))
            {
                rows[id] = list = [];
            }
            list.Add(e);
        }
        return rows;
    }

    private static async Task<CallRecord> LookupAsync(EngageVoiceHarness h, string callId)
    {
        var found = await h.Lookup.GetAsync("engagevoice", callId, None);
        Assert.NotNull(found);
        return found;
    }

    private static void AssertMatchesTruth(SimulatedEngageVoiceCall truth, CallRecord call, EngageVoiceHarness h)
    {
        var connected = truth.CallResult == "CONNECTED";
        Assert.Equal(truth.Uii, call.CallId);
        Assert.Equal(CallDirection.Inbound, call.Direction);
        Assert.Equal(truth.EnqueueUtc, call.StartUtc);
        Assert.Equal(truth.EnqueueUtc.AddSeconds(truth.InboundSeconds), call.EndUtc);
        Assert.Equal(truth.InboundSeconds, call.TotalSeconds);
        Assert.Equal(connected ? truth.ConnectedSeconds : 0, call.TalkSeconds);
        Assert.Equal(connected ? CallOutcome.Answered : CallOutcome.Abandoned, call.Outcome);
        Assert.Equal(connected ? truth.EnqueueUtc.AddSeconds(truth.QueueSeconds) : null, call.AnswerUtc);
        Assert.Equal("+1" + truth.Ani, call.FromNumber);
        Assert.Equal("+1" + truth.Dnis, call.ToNumber);
        var legs = h.Simulator.State.SegmentsOf(truth);
        Assert.Equal(Math.Max(0, legs.Count(l => l.Type == "AGENT") - 1), call.TransferCount);
        var segments = call.Extras.ToJsonObject()["segments"]!.AsArray().Select(s => (string?)s!["segmentId"]).ToList();
        Assert.Equal(legs.Select(l => l.SegmentId), segments);
        Assert.Equal(h.Simulator.State.SubAccountOf(truth), (string?)call.Extras.ToJsonObject()["subAccountId"]);
    }

    [Fact]
    public async Task Two_sub_accounts_land_every_call_exactly_once_within_the_limits()
    {
        await using var h = await StartAsync(new() { ["Vendors:EngageVoice:StartFrom"] = "2026-11-22T08:00:00Z" });
        var first = await h.Runner.RunScheduledAsync("engagevoice", null, None);
        Assert.Equal(PullRunStatus.Completed, first.Status);
        Assert.Equal(["engagevoice/2026/11/22/0800.json", "engagevoice/2026/11/22/0900.json", "engagevoice/2026/11/22/1000.json"], first.Windows.Select(w => w.BlobName));

        // The raw blob is each sub-account's response exactly as sent, in configured order, one per line.
        var raw = (await h.Storage.Raw.GetBlobClient("engagevoice/2026/11/22/0900.json").DownloadContentAsync()).Value;
        Assert.Equal("application/json", raw.Details.ContentType);
        var sent = Interactions(h).Where(r => r.Body!.Contains("\"2026-11-22 04:00:00\"", StringComparison.Ordinal)).ToList();
        Assert.Equal(["/sub-accounts/99999999/", "/sub-accounts/88888888/"], sent.Select(r => r.Path[r.Path.IndexOf("/sub-accounts/", StringComparison.Ordinal)..(r.Path.LastIndexOf('/') + 1)]));
        var expected = EngageVoiceSegmentBodies(h, Day.AddHours(9));
        Assert.Equal(expected, raw.Content.ToString());
        Assert.Equal("""{"segmentEndTime":"2026-11-22 04:00:00","timeInterval":3600,"timeZone":"US/Eastern"}""", sent[0].Body);

        // An hour later the next run re-pulls the lookback and adds the window where the last calls' legs ended.
        h.Time.Advance(TimeSpan.FromHours(1));
        var second = await h.Runner.RunScheduledAsync("engagevoice", null, None);
        Assert.Equal(PullRunStatus.Completed, second.Status);
        Assert.Contains(second.Windows, w => w.BlobName == "engagevoice/2026/11/22/1100.json");
        Assert.DoesNotContain(Interactions(h), r => r.StatusCode == 429);

        var results = await h.NormalizeAllAsync(Day.AddHours(8), Day.AddHours(12));
        Assert.All(results, r => Assert.Equal(0, r.Quarantined));
        var truth = h.Simulator.ValidCallsBetween(Day.AddHours(8), Day.AddHours(11));
        Assert.Contains(truth, c => h.Simulator.State.SubAccountOf(c) == "88888888");
        Assert.Contains(truth, c => h.Simulator.State.SubAccountOf(c) == "99999999");
        var rows = await CallRowsAsync(h);
        foreach (var call in truth)
        {
            Assert.True(rows.TryGetValue(call.Uii, out var row), $"call {call.Uii} is missing");
            Assert.Single(row);
            AssertMatchesTruth(call, await LookupAsync(h, call.Uii), h);
        }
        var landed = rows.Values.SelectMany(r => r).Where(e => e.GetDateTimeOffset("StartUtc") is { } s && s >= Day.AddHours(8) && s < Day.AddHours(11)).ToList();
        Assert.Equal(truth.Count, landed.Count);
    }

    [Fact]
    public async Task An_expired_token_is_renewed_once_and_the_rejected_request_sent_again()
    {
        await using var h = await StartAsync();
        var vendor = h.Services.GetRequiredService<VendorCatalog>().Get("engagevoice");
        var lander = h.Services.GetRequiredService<RawLander>();
        var windows = new WindowGrid(TimeSpan.FromHours(1)).Cover(Day.AddHours(8), Day.AddHours(10)).ToList();
        Assert.Equal(LandingOutcome.Written, (await lander.LandAsync(vendor, windows[0], None)).Outcome);

        // RingCX says "Jwt is expired": the auth handler renews with the refresh token and resends, within the limits.
        h.Simulator.State.ExpireAllTokens();
        h.Time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(LandingOutcome.Written, (await lander.LandAsync(vendor, windows[1], None)).Outcome);
        Assert.Equal(1, Interactions(h).Count(r => r.StatusCode == 401));
        Assert.Equal(5, Interactions(h).Count);
        Assert.Equal(1, h.Simulator.Requests.Count(r => r.Endpoint == EngageVoiceEndpoint.Refresh));
    }

    [Fact]
    public async Task A_backfill_needing_more_requests_than_the_limits_allow_finishes_across_runs_without_a_429()
    {
        // Eleven windows of two sub-accounts are due at first, twelve by the last run: 24 requests against
        // 3 a minute and 9 a quarter hour per sub-account.
        await using var h = await StartAsync(new()
        {
            ["Vendors:EngageVoice:StartFrom"] = "2026-11-22T00:00:00Z",
            ["Vendors:EngageVoice:Lookback"] = "00:00:00",
        });
        var runs = new List<PullRunResult>();
        var advances = new[] { TimeSpan.FromSeconds(61), TimeSpan.FromSeconds(61), TimeSpan.FromSeconds(61), TimeSpan.FromMinutes(15) };
        foreach (var advance in advances.Prepend(TimeSpan.Zero))
        {
            h.Time.Advance(advance);
            runs.Add(await h.Runner.RunScheduledAsync("engagevoice", null, None));
        }
        Assert.Equal([3, 3, 3, 0, 3], runs.Select(r => r.Windows.Count));
        Assert.All(runs.Take(4), r =>
        {
            Assert.Equal(PullRunStatus.RateLimited, r.Status);
            Assert.Null(r.Error);
            Assert.Contains(r.Warnings, w => w.Contains("rate limited, resumes next run", StringComparison.Ordinal));
        });
        Assert.Equal(PullRunStatus.Completed, runs[^1].Status);
        Assert.Equal(Day.AddHours(9), runs[2].CheckpointAfter);
        Assert.Equal(Day.AddHours(9), runs[3].CheckpointAfter);
        Assert.Equal(Day.AddHours(12), runs[^1].CheckpointAfter);
        Assert.Equal(24, Interactions(h).Count);
        Assert.All(Interactions(h), r => Assert.Equal(200, r.StatusCode));

        await h.NormalizeAllAsync(Day, Day.AddHours(12));
        var truth = h.Simulator.ValidCallsBetween(Day, Day.AddHours(11));
        var rows = await CallRowsAsync(h);
        Assert.All(truth, c => Assert.Single(rows[c.Uii]));
    }

    [Fact]
    public async Task A_429_that_still_comes_is_honoured_and_the_run_stops_cleanly_where_it_was()
    {
        await using var h = await StartAsync(new() { ["Vendors:EngageVoice:StartFrom"] = "2026-11-22T09:00:00Z" });
        h.Simulator.Faults.RetryAfterSeconds = 30;
        h.Simulator.Faults.Enqueue(EngageVoiceFault.TooManyRequests);
        var limited = await h.Runner.RunScheduledAsync("engagevoice", null, None);
        Assert.Equal(PullRunStatus.RateLimited, limited.Status);
        Assert.Empty(limited.Windows);
        Assert.Equal(limited.CheckpointBefore, limited.CheckpointAfter);
        Assert.Contains(limited.Warnings, w => w.Contains("rate limited, resumes next run", StringComparison.Ordinal) && w.Contains("429", StringComparison.Ordinal));
        Assert.Single(Interactions(h), r => r.StatusCode == 429);

        // The sub-account is paused for the Retry-After: a run within it sends nothing to it.
        h.Time.Advance(TimeSpan.FromSeconds(10));
        var paused = await h.Runner.RunScheduledAsync("engagevoice", null, None);
        Assert.Equal(PullRunStatus.RateLimited, paused.Status);
        Assert.Single(Interactions(h), r => r.StatusCode == 429);
        Assert.Single(Interactions(h));

        h.Time.Advance(TimeSpan.FromSeconds(60));
        var resumed = await h.Runner.RunScheduledAsync("engagevoice", null, None);
        Assert.Equal(PullRunStatus.Completed, resumed.Status);
        Assert.Equal(Day.AddHours(11), resumed.CheckpointAfter);
    }

    [Fact]
    public async Task A_call_across_a_window_boundary_is_one_record_of_its_start_window_in_either_order()
    {
        await using var h = await StartAsync();
        // Order 1 (06:00 → 07:00): the owner first, with half the call; then the later window completes it.
        var early = Spanning(h, Day.AddHours(7));
        await LandAsync(h, Day.AddHours(6));
        await NormalizeAsync(h, "0600");
        var partial = await LookupAsync(h, early.Uii);
        Assert.True(partial.Extras.ToJsonObject()["segments"]!.AsArray().Count < h.Simulator.State.SegmentsOf(early).Count);
        await LandAsync(h, Day.AddHours(7));
        await NormalizeAsync(h, "0700");
        AssertMatchesTruth(early, await LookupAsync(h, early.Uii), h);

        // Order 2 (09:00 → 08:00): the later window lands and is normalized before its owner exists.
        var late = Spanning(h, Day.AddHours(9));
        await LandAsync(h, Day.AddHours(9));
        await NormalizeAsync(h, "0900");
        Assert.Null(await h.Lookup.GetAsync("engagevoice", late.Uii, None));
        await LandAsync(h, Day.AddHours(8));
        await NormalizeAsync(h, "0800");
        AssertMatchesTruth(late, await LookupAsync(h, late.Uii), h);

        // Re-pulled and normalized again, in any order: still one row, in the owner's curated file only.
        await NormalizeAsync(h, "0900");
        await NormalizeAsync(h, "0800");
        await NormalizeAsync(h, "0700");
        var rows = await CallRowsAsync(h);
        Assert.Single(rows[early.Uii]);
        Assert.Single(rows[late.Uii]);
        Assert.Contains(early.Uii, await CuratedAsync(h, "0600"), StringComparison.Ordinal);
        Assert.DoesNotContain(early.Uii, await CuratedAsync(h, "0700"), StringComparison.Ordinal);
        Assert.Contains(late.Uii, await CuratedAsync(h, "0800"), StringComparison.Ordinal);
        Assert.DoesNotContain(late.Uii, await CuratedAsync(h, "0900"), StringComparison.Ordinal);
    }

    /// <summary>A connected call of the ground truth with legs ending on both sides of <paramref name="boundary"/>.</summary>
    private static SimulatedEngageVoiceCall Spanning(EngageVoiceHarness h, DateTimeOffset boundary) =>
        h.Simulator.ValidCallsBetween(boundary.AddHours(-1), boundary).First(c =>
            c.CallResult == "CONNECTED"
            && h.Simulator.State.SegmentsOf(c).Any(s => s.EndUtc < boundary)
            && h.Simulator.State.SegmentsOf(c).Any(s => s.EndUtc >= boundary));

    private static async Task LandAsync(EngageVoiceHarness h, DateTimeOffset start)
    {
        // Two requests per window: a minute apart keeps every sub-account within 3 a minute.
        h.Time.Advance(TimeSpan.FromSeconds(61));
        var pull = await h.Runner.BackfillAsync("engagevoice", start, start.AddHours(1), null, None);
        Assert.Equal(PullRunStatus.Completed, pull.Status);
    }

    private static Task<NormalizeResult> NormalizeAsync(EngageVoiceHarness h, string stem) =>
        h.Normalizer.NormalizeAsync($"engagevoice/2026/11/22/{stem}.json", None);

    private static async Task<string> CuratedAsync(EngageVoiceHarness h, string stem) =>
        (await h.Storage.Curated.GetBlobClient($"calls/2026/11/22/engagevoice_{stem}.csv").DownloadContentAsync()).Value.Content.ToString();

    /// <summary>What the simulator serves for a window, both sub-accounts joined by a newline.</summary>
    private static string EngageVoiceSegmentBodies(EngageVoiceHarness h, DateTimeOffset start)
    {
        var sb = new StringBuilder();
        foreach (var sub in h.Simulator.State.Options.SubAccountIds)
        {
            if (sb.Length > 0)
            {
                sb.Append('\n');
            }
            sb.Append(EngageVoiceSimulatorState.RenderSegments(h.Simulator.State.SegmentsEndingBetween(sub, start, start.AddHours(1))));
        }
        return sb.ToString();
    }
}
