using System.Text.Json;
using CdrFunctions.Pipeline.Landing;
using CdrFunctions.Pipeline.Lookup;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Pull;
using CdrFunctions.Simulators.DeepCall;
using CdrFunctions.Vendors.DeepCall;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using CdrFunctions.Tests.Integration;

namespace CdrFunctions.Tests.Vendors.DeepCall;

/// <summary>DeepCall simulator → pull → raw → normalize → lookup, on a real Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public class DeepCallEndToEndTests
{
    private static readonly DateTimeOffset From = new(2026, 11, 21, 21, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = From.AddHours(3);
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Every_call_lands_once_enriched_and_is_found_by_id()
    {
        await using var h = await DeepCallHarness.StartAsync();
        var truth = h.Simulator.ValidCallsBetween(From, To);

        var pull = await h.Runner.BackfillAsync("deepcall", From, To, null, None);
        Assert.Equal(PullRunStatus.Completed, pull.Status);
        Assert.Empty(pull.Warnings);
        Assert.Equal(["deepcall/2026/11/21/2100.json", "deepcall/2026/11/21/2200.json", "deepcall/2026/11/21/2300.json"], pull.Windows.Select(w => w.BlobName));

        // The raw blob is the vendor's responses verbatim: {"list":[pages],"detail":[responses]}.
        var raw = (await h.Storage.Raw.GetBlobClient("deepcall/2026/11/21/2100.json").DownloadContentAsync()).Value.Content.ToString();
        using (var doc = JsonDocument.Parse(raw))
        {
            Assert.Equal(1, doc.RootElement.GetProperty("list").GetArrayLength());
            Assert.Equal(h.Simulator.ValidCallsBetween(From, From.AddHours(1)).Count, doc.RootElement.GetProperty("detail").GetArrayLength());
        }
        var listRequest = h.Simulator.Requests.First(r => r.Path.Contains("list", StringComparison.Ordinal));
        Assert.Equal("2026-11-22 02:30:00", listRequest.Field("startDate")); // 21:00Z in IST
        Assert.Equal("***", listRequest.Field("token"));

        var results = await h.NormalizeAllAsync(From, To);
        Assert.Equal(truth.Count, results.Sum(r => r.Records));
        Assert.Equal(0, results.Sum(r => r.Quarantined));
        foreach (var expected in truth)
        {
            var call = await h.Lookup.GetAsync("deepcall", expected.ClId, None);
            Assert.NotNull(call);
            Assert.Equal(expected.StartUtc, call!.StartUtc);
            Assert.Equal(expected.TalkSeconds, call.TalkSeconds);
            Assert.Equal(expected.QueueSeconds, call.QueueSeconds);
            Assert.Equal(expected.Answered ? CallOutcome.Answered : DeepCallCallTypes.Unanswered(DeepCallCallTypes.Direction(expected.CallType)), call.Outcome);
            Assert.Equal(expected.CustomerE164, call.Direction == CallDirection.Outbound ? call.ToNumber : call.FromNumber);
            Assert.Equal(expected.Recording is null ? null : h.Simulator.BaseUrl.AbsoluteUri + "api/v2/recording/directstream/" + expected.Recording.Replace('*', '/'), call.RecordingUrl);
        }
        Assert.Equal(truth.Count(c => c.StartUtc.UtcDateTime.Day == 21), await h.DayRowsAsync("20261121"));
    }

    [Fact]
    public async Task Faults_and_error_envelopes_still_land_every_call_exactly_once()
    {
        await using var h = await DeepCallHarness.StartAsync(new DeepCallSimulatorOptions { CallsPerHour = 30 });
        h.Simulator.Faults.RetryAfterSeconds = 0;
        h.Simulator.Faults.SlowDelay = TimeSpan.FromSeconds(3); // longer than the 2 s attempt timeout
        foreach (var kind in new[] { DeepCallFault.Error1009, DeepCallFault.Error1010, DeepCallFault.ServerError, DeepCallFault.TooManyRequests, DeepCallFault.Slow, DeepCallFault.Error1009 })
        {
            h.Simulator.Faults.Enqueue(kind);
            h.Simulator.Faults.Enqueue(DeepCallFault.Error1010);
        }
        var truth = h.Simulator.ValidCallsBetween(From, To);

        var pull = await h.Runner.BackfillAsync("deepcall", From, To, null, None);
        Assert.Equal(PullRunStatus.Completed, pull.Status);
        Assert.True(pull.Retries >= 12, $"{pull.Retries} retries");
        Assert.Equal(truth.Count, pull.Records);
        Assert.Empty(h.Simulator.Faults.Pending);

        var results = await h.NormalizeAllAsync(From, To);
        Assert.Equal(truth.Count, results.Sum(r => r.Records));
        Assert.Equal(truth.Count(c => c.StartUtc.UtcDateTime.Day == 21), await h.DayRowsAsync("20261121"));
        Assert.Equal(truth.Count(c => c.StartUtc.UtcDateTime.Day == 22), await h.DayRowsAsync("20261122"));

        // A second run over the same range lands the same bytes: nothing rewritten.
        var again = await h.Runner.BackfillAsync("deepcall", From, To, null, None);
        Assert.All(again.Windows, w => Assert.Equal(LandingOutcome.Unchanged, w.Outcome));
    }

    [Fact]
    public async Task Bad_credentials_fail_at_once_with_the_cause_and_no_secret()
    {
        await using var h = await DeepCallHarness.StartAsync(settings: new Dictionary<string, string?> { ["Vendors:DeepCall:Token"] = "wrong-token-value-123" });
        var pull = await h.Runner.BackfillAsync("deepcall", From, To, null, None);
        Assert.Equal(PullRunStatus.Failed, pull.Status);
        Assert.Contains("error 1014", pull.Error);
        Assert.Contains("Vendors:DeepCall:UserId and Token", pull.Error);
        Assert.Single(h.Simulator.Requests);
        Assert.DoesNotContain(h.Logs.GetSnapshot(), l => l.Message.Contains("wrong-token-value-123", StringComparison.Ordinal) || (l.Exception?.ToString().Contains("wrong-token-value-123", StringComparison.Ordinal) ?? false));
    }

    [Fact]
    public async Task A_missing_permission_is_named_and_not_retried()
    {
        await using var h = await DeepCallHarness.StartAsync(new DeepCallSimulatorOptions { DenyListPermission = true });
        var pull = await h.Runner.BackfillAsync("deepcall", From, From.AddHours(1), null, None);
        Assert.Equal(PullRunStatus.Failed, pull.Status);
        Assert.Contains("LIST_CALL_LOG", pull.Error);
        Assert.Single(h.Simulator.Requests);
    }

    [Fact]
    public async Task Wrong_list_field_names_give_error_1000_pointing_at_the_list_settings()
    {
        await using var h = await DeepCallHarness.StartAsync(settings: new Dictionary<string, string?> { ["Vendors:DeepCall:List:FromField"] = "fromDate" });
        var pull = await h.Runner.BackfillAsync("deepcall", From, From.AddHours(1), null, None);
        Assert.Equal(PullRunStatus.Failed, pull.Status);
        Assert.Contains("error 1000", pull.Error);
        Assert.Contains("Vendors:DeepCall:List", pull.Error);
    }

    [Fact]
    public async Task A_count_mismatch_is_a_warning_in_the_run_result_and_the_log()
    {
        // The account silently caps pages at 5 calls while the connector asks for 100: paging stops early.
        await using var h = await DeepCallHarness.StartAsync(new DeepCallSimulatorOptions { CallsPerHour = 12, MaxPageSize = 5 });
        var pull = await h.Runner.BackfillAsync("deepcall", From, From.AddHours(1), null, None);
        Assert.Equal(PullRunStatus.Completed, pull.Status);
        Assert.Equal(5, pull.Records);
        var warning = Assert.Single(pull.Warnings);
        Assert.Contains("DeepCall reports 12 call(s)", warning);
        Assert.Contains("5 were listed", warning);
        Assert.Contains(h.Logs.GetSnapshot(), l => l.Level == LogLevel.Warning && l.Message.Contains("DeepCall reports 12", StringComparison.Ordinal));
        Assert.Single(pull.Windows[0].Warnings);
    }

    [Fact]
    public async Task A_scheduled_run_carries_window_warnings_into_its_result_and_checkpoint_summary()
    {
        await using var h = await DeepCallHarness.StartAsync(new DeepCallSimulatorOptions { CallsPerHour = 8, MaxPageSize = 3 },
            new Dictionary<string, string?> { ["Vendors:DeepCall:StartFrom"] = "2026-11-22T09:00:00Z" });
        var run = await h.Runner.RunScheduledAsync("deepcall", null, None);
        Assert.Equal(PullRunStatus.Completed, run.Status);
        Assert.Equal(2, run.Windows.Count); // 09:00 and 10:00; 11:00 is not settled at 12:07
        Assert.Equal(2, run.Warnings.Count);
        Assert.StartsWith("[2026-11-22T09:00:00Z", run.Warnings[0], StringComparison.Ordinal);
        Assert.Contains("2 warning(s)", run.Summary);
        var checkpoint = await h.Services.GetRequiredService<CheckpointStore>().GetOrCreateAsync("deepcall", DateTimeOffset.MinValue, None);
        Assert.Contains("DeepCall reports 8 call(s)", checkpoint.LastRunSummary);
    }

    [Fact]
    public async Task Without_a_count_endpoint_or_enrichment_the_list_alone_is_landed()
    {
        await using var h = await DeepCallHarness.StartAsync(new DeepCallSimulatorOptions { CountUnavailable = true },
            new Dictionary<string, string?> { ["Vendors:DeepCall:Enrich"] = "false" });
        var truth = h.Simulator.ValidCallsBetween(From, From.AddHours(1));
        var pull = await h.Runner.BackfillAsync("deepcall", From, From.AddHours(1), null, None);
        Assert.Equal(PullRunStatus.Completed, pull.Status);
        Assert.Empty(pull.Warnings);
        Assert.DoesNotContain(h.Simulator.Requests, r => r.Path.Contains("detail", StringComparison.OrdinalIgnoreCase));
        var results = await h.NormalizeAllAsync(From, From.AddHours(1));
        Assert.Equal(truth.Count, results.Sum(r => r.Records));
        var call = await h.Lookup.GetAsync("deepcall", truth[0].ClId, None);
        Assert.Equal(truth[0].StartUtc, call!.StartUtc);
        Assert.Contains(h.Logs.GetSnapshot(), l => l.Message.Contains("count endpoint unavailable", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_live_lookup_asks_the_detail_endpoint_and_lands_the_answer()
    {
        await using var h = await DeepCallHarness.StartAsync();
        var expected = h.Simulator.ValidCallsBetween(From, To).First(c => c.Answered);
        var live = h.Services.GetRequiredService<LiveLookup>();
        Assert.Null(await live.GetAsync("deepcall", expected.ClId, live: false, None));
        var call = await live.GetAsync("deepcall", expected.ClId, live: true, None);
        Assert.Equal(expected.StartUtc, call!.StartUtc);
        Assert.StartsWith("deepcall/2026/11/22/live-", call.RawBlob);
        var detail = h.Simulator.Requests.Single();
        Assert.Equal(expected.ClId, detail.Field("clId"));
        Assert.Equal("[\"dtl\"]", detail.Field("rType"));
        Assert.Null(await live.GetAsync("deepcall", "dc1t0rnotacall", live: true, None));
    }
}
