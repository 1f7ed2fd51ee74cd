using System.Text.Json;
using Azure.Data.Tables;
using CdrFunctions.Pipeline.Landing;
using CdrFunctions.Pipeline.Pull;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Pipeline.Vendors;
using CdrFunctions.Simulators.EngageVoice;
using Microsoft.Extensions.DependencyInjection;
using CdrFunctions.Tests.Integration;

namespace CdrFunctions.Tests.Vendors.EngageVoice;

/// <summary>Engage Voice simulator → pull → raw CSV blob → normalize → lookup, on a real Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public class EngageVoiceEndToEndTests
{
    private static readonly DateTimeOffset From = new(2026, 11, 21, 21, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = From.AddHours(3);
    private static readonly CancellationToken None = CancellationToken.None;

    private static IEnumerable<EngageVoiceRequestLog> Reports(EngageVoiceHarness h) => h.Simulator.Requests.Where(r => r.Endpoint == EngageVoiceEndpoint.Report);

    private static int Count(EngageVoiceHarness h, EngageVoiceEndpoint endpoint) => h.Simulator.Requests.Count(r => r.Endpoint == endpoint);

    [Fact]
    public async Task Every_call_lands_once_as_csv_and_is_found_by_id()
    {
        await using var h = await EngageVoiceHarness.StartAsync(new EngageVoiceSimulatorOptions { MalformedEvery = 20 });
        var truth = h.Simulator.ValidCallsBetween(From, To);
        var malformed = h.Simulator.MalformedCallsBetween(From, To);
        Assert.NotEmpty(malformed);

        var pull = await h.Runner.BackfillAsync("engagevoice", From, To, null, None);
        Assert.Equal(PullRunStatus.Completed, pull.Status);
        Assert.Equal(["engagevoice/2026/11/21/2100.csv", "engagevoice/2026/11/21/2200.csv", "engagevoice/2026/11/21/2300.csv"], pull.Windows.Select(w => w.BlobName));
        Assert.Equal(truth.Count + malformed.Count, pull.Records);

        // The raw blob is the vendor's CSV, byte for byte, header included.
        var raw = (await h.Storage.Raw.GetBlobClient("engagevoice/2026/11/21/2100.csv").DownloadContentAsync()).Value;
        Assert.StartsWith("cloud_profile_id,profile_name,uii,", raw.Content.ToString());
        Assert.StartsWith("text/csv", raw.Details.ContentType);

        // One request per window, with the seed's body: local times of the report zone, inclusive end.
        using (var body = JsonDocument.Parse(Reports(h).First().Body!))
        {
            var root = body.RootElement;
            Assert.Equal("CASPER_REPORT", root.GetProperty("reportType").GetString());
            var c = root.GetProperty("reportCriteria");
            Assert.Equal("2026-11-21 16:00:00", c.GetProperty("startTimestamp").GetString());
            Assert.Equal("2026-11-21 16:59:59", c.GetProperty("endTimestamp").GetString());
            Assert.Equal("US/Eastern", c.GetProperty("timezoneName").GetString());
            Assert.Equal("PROFILE", c.GetProperty("groupBy").GetString());
            Assert.Equal("[null,10]", c.GetProperty("cloudProfileGroupIds").GetRawText());
            Assert.Equal("[1111,2222,3333]", c.GetProperty("cloudProfileIds").GetRawText());
            Assert.Equal("ONCE", c.GetProperty("schedule").GetProperty("repeatOption").GetString());
        }
        Assert.All(Reports(h), r => Assert.StartsWith("/voice/api/v1/admin/accounts/12345678/reportsStreaming", r.Path));
        Assert.Equal(1, Count(h, EngageVoiceEndpoint.Exchange));

        var results = await h.NormalizeAllAsync(From, To);
        Assert.Equal(truth.Count, results.Sum(r => r.Records));
        Assert.Equal(malformed.Count, results.Sum(r => r.Quarantined));
        foreach (var expected in truth)
        {
            var call = await h.Lookup.GetAsync("engagevoice", expected.Uii, None);
            Assert.NotNull(call);
            Assert.Equal(expected.EnqueueUtc, call!.StartUtc);
            Assert.Equal(expected.InboundSeconds, call.TotalSeconds);
            Assert.Equal(expected.ProfileName, call.Queue);
            Assert.Equal("+1" + expected.Ani, call.FromNumber);
        }
        var dayRows = 0;
        await foreach (var _ in h.Storage.Calls.QueryAsync<TableEntity>(e => e.PartitionKey == "day|engagevoice|20261121"))
        {
            dayRows++;
        }
        Assert.Equal(truth.Count, dayRows);
    }

    [Theory]
    [InlineData("ApiToken", "/voice/api/v1/")]
    [InlineData("Legacy", "/api/v1/")]
    public async Task A_permanent_token_is_sent_as_X_Auth_Token_without_any_exchange(string mode, string path)
    {
        await using var h = await EngageVoiceHarness.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Vendors:EngageVoice:AuthMode"] = mode,
            ["Vendors:EngageVoice:ApiToken"] = "sim-engage-api-token",
        });
        var pull = await h.Runner.BackfillAsync("engagevoice", From, From.AddHours(2), null, None);
        Assert.Equal(PullRunStatus.Completed, pull.Status);
        Assert.Equal(h.Simulator.ValidCallsBetween(From, From.AddHours(2)).Count, pull.Records);
        Assert.All(Reports(h), r => Assert.StartsWith(path, r.Path));
        Assert.Equal(0, Count(h, EngageVoiceEndpoint.Exchange) + Count(h, EngageVoiceEndpoint.RingCentralToken));
    }

    [Fact]
    public async Task Faults_leave_every_call_landed_exactly_once_and_no_secret_in_the_logs()
    {
        await using var h = await EngageVoiceHarness.StartAsync();
        var to = From.AddHours(4);
        var truth = h.Simulator.ValidCallsBetween(From, to);
        h.Simulator.Faults.Enqueue(EngageVoiceFault.TooManyRequests);
        h.Simulator.Faults.Enqueue(EngageVoiceFault.ServerError, 2);
        h.Simulator.Faults.Enqueue(EngageVoiceFault.ExpireToken);
        h.Simulator.Faults.Enqueue(EngageVoiceFault.TruncatedCsv);

        var first = await h.Runner.BackfillAsync("engagevoice", From, to, null, None);
        // The truncated body fails its window before anything is committed; the next run pulls it again.
        Assert.Equal(PullRunStatus.Failed, first.Status);
        Assert.Contains("broke off", first.Error);
        Assert.Empty(h.Simulator.Faults.Pending);
        var second = await h.Runner.BackfillAsync("engagevoice", From, to, null, None);
        Assert.Equal(PullRunStatus.Completed, second.Status);
        Assert.Equal(4, second.Windows.Count);
        Assert.Equal(truth.Count, second.Records);

        var results = await h.NormalizeAllAsync(From, to);
        Assert.Equal(truth.Count, results.Sum(r => r.Records));
        Assert.Equal(0, results.Sum(r => r.Quarantined));
        var ids = new List<string>();
        await foreach (var e in h.Storage.Calls.QueryAsync<TableEntity>(e => e.PartitionKey == "day|engagevoice|20261121" || e.PartitionKey == "day|engagevoice|20261122"))
        {
            ids.Add(e.GetString("callId") ?? e.RowKey);
        }
        Assert.Equal(truth.Count, ids.Count);
        Assert.Equal(truth.Count, ids.Distinct().Count());

        // The expired token was renewed with the refresh token, once; the JWT was exchanged once.
        Assert.Equal(1, Count(h, EngageVoiceEndpoint.Exchange));
        Assert.Equal(1, Count(h, EngageVoiceEndpoint.Refresh));
        var log = string.Join('\n', h.Logs.GetSnapshot().Select(r => r.Message + r.Exception));
        Assert.DoesNotContain("sim.rc.jwt", log);
        Assert.DoesNotContain("sim-rc-secret", log);
        Assert.DoesNotContain("eyJ", log);
    }

    [Fact]
    public async Task Four_windows_pulled_concurrently_share_one_token_and_one_renewal()
    {
        await using var h = await EngageVoiceHarness.StartAsync();
        var vendor = h.Services.GetRequiredService<VendorCatalog>().Get("engagevoice");
        var lander = h.Services.GetRequiredService<RawLander>();
        var windows = new WindowGrid(TimeSpan.FromHours(1)).Cover(From, From.AddHours(4)).ToList();
        Assert.Equal(4, windows.Count);

        var landed = await Task.WhenAll(windows.Select(w => Task.Run(() => lander.LandAsync(vendor, w, None))));
        Assert.Equal(4, landed.Length);
        Assert.Equal(1, Count(h, EngageVoiceEndpoint.RingCentralToken));
        Assert.Equal(1, Count(h, EngageVoiceEndpoint.Exchange));

        // Every token dies at once: the requests that carry it get 401 "Jwt is expired", and one renewal serves them
        // all. How many carry the dead token depends on scheduling (a landing that starts late, after its storage
        // calls, already uses the renewed one), so the point is one refresh, not four rejections.
        h.Simulator.State.ExpireAllTokens();
        var again = await Task.WhenAll(windows.Select(w => Task.Run(() => lander.LandAsync(vendor, w, None))));
        Assert.All(again, r => Assert.Equal(LandingOutcome.Unchanged, r.Outcome));
        Assert.Equal(1, Count(h, EngageVoiceEndpoint.Exchange));
        Assert.Equal(1, Count(h, EngageVoiceEndpoint.Refresh));
        var rejected = h.Simulator.Requests.Count(r => r.Endpoint == EngageVoiceEndpoint.Report && r.StatusCode == 401);
        Assert.InRange(rejected, 1, 4);

        // Five minutes on, the cached token is renewed before use, again once, and no request is rejected.
        h.Time.Advance(TimeSpan.FromMinutes(5));
        await Task.WhenAll(windows.Select(w => Task.Run(() => lander.LandAsync(vendor, w, None))));
        Assert.Equal(2, Count(h, EngageVoiceEndpoint.Refresh));
        Assert.Equal(rejected, h.Simulator.Requests.Count(r => r.Endpoint == EngageVoiceEndpoint.Report && r.StatusCode == 401));
        Assert.Equal(1, Count(h, EngageVoiceEndpoint.Exchange));
    }

    [Fact]
    public async Task Ids_are_discovered_through_inputControls_when_none_are_configured()
    {
        await using var h = await EngageVoiceHarness.StartAsync(settings: NoIds());
        var pull = await h.Runner.BackfillAsync("engagevoice", From, From.AddHours(2), null, None);
        Assert.Equal(PullRunStatus.Completed, pull.Status);
        Assert.Equal(1, Count(h, EngageVoiceEndpoint.InputControls));
        using var body = JsonDocument.Parse(Reports(h).First().Body!);
        Assert.Equal("[null,10]", body.RootElement.GetProperty("reportCriteria").GetProperty("cloudProfileGroupIds").GetRawText());
        Assert.Equal("[1111,2222,3333]", body.RootElement.GetProperty("reportCriteria").GetProperty("cloudProfileIds").GetRawText());
    }

    [Fact]
    public async Task A_failed_discovery_is_a_configuration_error_not_an_empty_pull()
    {
        await using var h = await EngageVoiceHarness.StartAsync(settings: NoIds());
        h.Simulator.State.InputControlsStatus = 403;
        var pull = await h.Runner.BackfillAsync("engagevoice", From, From.AddHours(2), null, None);
        Assert.Equal(PullRunStatus.Failed, pull.Status);
        Assert.Empty(pull.Windows);
        Assert.Contains("configuration error", pull.Error);
        Assert.Contains("ProfileGroupIds and ProfileIds", pull.Error);
        Assert.Empty(Reports(h));
    }

    private static Dictionary<string, string?> NoIds() => new()
    {
        ["Vendors:EngageVoice:ProfileGroupIds:0"] = null,
        ["Vendors:EngageVoice:ProfileGroupIds:1"] = null,
        ["Vendors:EngageVoice:ProfileIds:0"] = null,
        ["Vendors:EngageVoice:ProfileIds:1"] = null,
        ["Vendors:EngageVoice:ProfileIds:2"] = null,
        ["Vendors:EngageVoice:UserId"] = "42",
    };
}
