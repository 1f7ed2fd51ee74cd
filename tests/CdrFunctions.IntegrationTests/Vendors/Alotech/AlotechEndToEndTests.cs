using System.Text.Json;
using Azure.Data.Tables;
using CdrFunctions.Pipeline.Landing;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Pipeline.Pull;
using CdrFunctions.Pipeline.Storage;
using CdrFunctions.Simulators.Alotech;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using CdrFunctions.Tests.Integration;

namespace CdrFunctions.Tests.Vendors.Alotech;

/// <summary>Simulator → pull → raw blob → normalize → table + curated + quarantine → lookup, on a real Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public class AlotechEndToEndTests
{
    private static readonly DateTimeOffset From = new(2026, 11, 21, 21, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = From.AddHours(3);
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Every_call_lands_once_and_is_found_by_id_and_by_number()
    {
        await using var h = await AlotechHarness.StartAsync(new AlotechSimulatorOptions { MalformedEvery = 25 });
        var truth = h.Simulator.ValidCallsBetween(From, To);
        var malformed = h.Simulator.MalformedCallsBetween(From, To);
        Assert.NotEmpty(malformed);

        var pull = await h.Runner.BackfillAsync("alotech", From, To, null, None);
        Assert.Equal(PullRunStatus.Completed, pull.Status);
        Assert.Equal(3, pull.Windows.Count);
        Assert.Equal(["alotech/2026/11/21/2100.json", "alotech/2026/11/21/2200.json", "alotech/2026/11/21/2300.json"], pull.Windows.Select(w => w.BlobName));

        var results = await h.NormalizeAllAsync(From, To);
        Assert.Equal(truth.Count, results.Sum(r => r.Records));
        Assert.Equal(malformed.Count, results.Sum(r => r.Quarantined));
        Assert.True(results.Sum(r => r.OutsideWindow) > 0, "the simulator's inclusive finishdate returns the next window's boundary call; it must be skipped, not duplicated");

        // By id: every call, with the simulator's start time and the right vendor.
        foreach (var expected in truth)
        {
            var call = await h.Lookup.GetAsync("alotech", expected.Key, None);
            Assert.NotNull(call);
            Assert.Equal(expected.CallDateUtc, call!.StartUtc);
            Assert.StartsWith("alotech/2026/11/", call.RawBlob);
        }

        // By day: the reconciliation partition holds exactly the calls of the range.
        var dayRows = 0;
        await foreach (var _ in h.Storage.Calls.QueryAsync<TableEntity>(e => e.PartitionKey == "day|alotech|20261121"))
        {
            dayRows++;
        }
        Assert.Equal(truth.Count, dayRows);

        // By number, paged newest first: the same calls as the ground truth for that number.
        // An answered call from a number (not an anonymous caller).
        var numbered = truth.First(c => c.Answered && c.Json["callerid"]!.GetValue<string>().Any(char.IsAsciiDigit));
        var someCall = (await h.Lookup.GetAsync("alotech", numbered.Key, None))!;
        var number = someCall.FromNumber!;
        var expectedForNumber = new List<string>();
        foreach (var c in truth)
        {
            var stored = await h.Lookup.GetAsync("alotech", c.Key, None);
            if (stored!.FromNumber == number || stored.ToNumber == number)
            {
                expectedForNumber.Add(c.Key);
            }
        }
        var listed = new List<CallRecord>();
        string? token = null;
        do
        {
            var page = await h.Lookup.ListByNumberAsync(number, From, To, "alotech", 2, token, None);
            Assert.True(page.Calls.Count <= 2);
            listed.AddRange(page.Calls);
            token = page.ContinuationToken;
        }
        while (token is not null);
        Assert.Equal(expectedForNumber.Order(), listed.Select(c => c.CallId).Order());
        Assert.Equal(listed.OrderByDescending(c => c.StartUtc).Select(c => c.CallId), listed.Select(c => c.CallId));

        // Curated CSV (and its Parquet twin): one per window, one row per call; quarantine: one line per malformed record.
        var curatedBlobs = await AlotechHarness.BlobSnapshotAsync(h.Storage.Curated);
        var curated = curatedBlobs.Where(b => b.Key.EndsWith(".csv", StringComparison.Ordinal)).ToDictionary();
        Assert.Equal(["calls/2026/11/21/alotech_2100.csv", "calls/2026/11/21/alotech_2200.csv", "calls/2026/11/21/alotech_2300.csv"], curated.Keys.Order());
        Assert.Equal(curated.Keys.Select(k => Path.ChangeExtension(k, ".parquet")).Order(), curatedBlobs.Keys.Except(curated.Keys).Order());
        Assert.All(curated.Values, csv => Assert.StartsWith(string.Join(',', CuratedCsv.Columns) + "\n", csv));
        var curatedRecords = new List<CallRecord>();
        foreach (var csv in curated.Values)
        {
            curatedRecords.AddRange(await CuratedCsv.ReadAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv)), None));
        }
        Assert.Equal(truth.Select(c => c.Key).Order(), curatedRecords.Select(c => c.CallId).Order());
        var quarantine = await AlotechHarness.BlobSnapshotAsync(h.Storage.Quarantine);
        var lines = quarantine.Where(q => !q.Key.EndsWith(".outside.jsonl", StringComparison.Ordinal))
            .SelectMany(q => q.Value.Split('\n', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal(malformed.Count, lines.Count);
        Assert.All(lines, l =>
        {
            using var doc = JsonDocument.Parse(l);
            Assert.StartsWith("page ", doc.RootElement.GetProperty("position").GetString());
            Assert.False(string.IsNullOrEmpty(doc.RootElement.GetProperty("reason").GetString()));
        });

        // The last window's boundary call belongs to 00:00 of the next day, which is not pulled yet: it is not
        // silent but reported (in its own outside-window file, and in status) until the owning window holds it.
        var boundary = h.Simulator.ValidCallsBetween(To, To.AddSeconds(1)).Single();
        var outside = Assert.Single(quarantine, q => q.Key.EndsWith(".outside.jsonl", StringComparison.Ordinal));
        Assert.Equal("alotech/2026/11/21/2300.outside.jsonl", outside.Key);
        using (var report = JsonDocument.Parse(outside.Value.Trim()))
        {
            Assert.Equal($"callId {boundary.Key}", report.RootElement.GetProperty("position").GetString());
            Assert.Contains("alotech/2026/11/22/0000.json", report.RootElement.GetProperty("reason").GetString(), StringComparison.Ordinal);
        }
        var status = h.Services.GetRequiredService<BlobStatusStore>();
        Assert.Equal(1, (await status.SummariesAsync(None))["alotech"].UnconfirmedCalls);
        Assert.Equal(1, (await status.GetAsync("alotech/2026/11/21/2300.json", None))!.Unconfirmed);
        Assert.Null(await h.Lookup.GetAsync("alotech", boundary.Key, None));

        await h.Runner.BackfillAsync("alotech", To, To.AddHours(1), null, None);
        await h.Normalizer.NormalizeAsync("alotech/2026/11/22/0000.json", None);
        Assert.Equal(boundary.CallDateUtc, (await h.Lookup.GetAsync("alotech", boundary.Key, None))!.StartUtc);
        Assert.DoesNotContain("alotech/2026/11/21/2300.outside.jsonl", (await AlotechHarness.BlobSnapshotAsync(h.Storage.Quarantine)).Keys);
        Assert.Equal(0, (await status.GetAsync("alotech/2026/11/21/2300.json", None))!.Unconfirmed);
    }

    [Fact]
    public async Task A_second_identical_run_changes_nothing()
    {
        await using var h = await AlotechHarness.StartAsync(new AlotechSimulatorOptions { MalformedEvery = 30 });
        await h.Runner.BackfillAsync("alotech", From, To, null, None);
        await h.NormalizeAllAsync(From, To);
        var raw = await RawEtagsAsync(h);
        var table = await h.TableSnapshotAsync();
        var curated = await AlotechHarness.BlobSnapshotAsync(h.Storage.Curated);
        var quarantine = await AlotechHarness.BlobSnapshotAsync(h.Storage.Quarantine);

        var again = await h.Runner.BackfillAsync("alotech", From, To, null, None);
        Assert.All(again.Windows, w => Assert.Equal(LandingOutcome.Unchanged, w.Outcome));
        Assert.Equal(raw, await RawEtagsAsync(h));
        var results = await h.NormalizeAllAsync(From, To);
        Assert.All(results, r => Assert.Equal(0, r.StaleRowsRemoved));

        var tableAfter = await h.TableSnapshotAsync();
        Assert.Equal(table.Keys.Order(), tableAfter.Keys.Order());
        Assert.All(table, kv => Assert.Equal(kv.Value["Extras"], tableAfter[kv.Key]["Extras"]));
        Assert.Equal(curated, await AlotechHarness.BlobSnapshotAsync(h.Storage.Curated));
        Assert.Equal(quarantine, await AlotechHarness.BlobSnapshotAsync(h.Storage.Quarantine));
    }

    [Fact]
    public async Task Injected_faults_still_land_every_call_exactly_once()
    {
        await using var h = await AlotechHarness.StartAsync(new AlotechSimulatorOptions { CallsPerHour = 400, MalformedEvery = 40 });
        h.Simulator.Faults.RandomFaultRate = 0.3;
        h.Simulator.Faults.RandomKinds = [AlotechFault.TooManyRequests, AlotechFault.ServerError, AlotechFault.NonJson, AlotechFault.ErrorJson, AlotechFault.Slow];
        h.Simulator.Faults.RetryAfterSeconds = 0;
        h.Simulator.Faults.SlowDelay = TimeSpan.FromSeconds(5);
        foreach (var kind in h.Simulator.Faults.RandomKinds)
        {
            h.Simulator.Faults.Enqueue(kind);
        }
        var truth = h.Simulator.ValidCallsBetween(From, To);

        var pull = await h.Runner.BackfillAsync("alotech", From, To, null, None);
        Assert.True(pull.Status == PullRunStatus.Completed, pull.Error + "\n" + string.Join("\n", h.Logs.GetSnapshot().TakeLast(40).Select(l => $"{l.Timestamp:HH:mm:ss.fff} {l.Category} {l.Message}")));
        Assert.True(pull.Retries > 0, "faults were injected, so the run must have retried");
        Assert.Contains(h.Simulator.Requests, r => r.StatusCode == 429);
        Assert.Contains(h.Simulator.Requests, r => r.Fault == AlotechFault.NonJson);

        var results = await h.NormalizeAllAsync(From, To);
        Assert.Equal(truth.Count, results.Sum(r => r.Records));
        Assert.Equal(0, results.Sum(r => r.Duplicates));
        var byId = (await h.TableSnapshotAsync()).Keys.Where(k => k.Item1.StartsWith("id|alotech|", StringComparison.Ordinal)).Select(k => k.Item2).ToList();
        Assert.Equal(truth.Select(c => TableKeys.Escape(c.Key)).Order(), byId.Order());
    }

    [Fact]
    public async Task A_wrong_token_fails_the_window_with_the_vendors_message_and_no_secret()
    {
        const string token = "wrong-secret-token-123";
        await using var h = await AlotechHarness.StartAsync(settings: new Dictionary<string, string?> { ["Vendors:Alotech:AppToken"] = token });
        var pull = await h.Runner.BackfillAsync("alotech", From, To, null, None);
        Assert.Equal(PullRunStatus.Failed, pull.Status);
        Assert.Contains("HTTP 401", pull.Error);
        Assert.Contains("Invalid app_token", pull.Error);
        Assert.Contains("Vendors:Alotech:AppToken", pull.Error);
        Assert.DoesNotContain(token, pull.Error);
        Assert.Empty(h.Storage.Raw.GetBlobs());
        Assert.DoesNotContain(h.Logs.GetSnapshot(), l => (l.Message + l.Exception).Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Logs_never_contain_the_token_or_a_phone_number()
    {
        await using var h = await AlotechHarness.StartAsync(new AlotechSimulatorOptions { MalformedEvery = 20 });
        h.Simulator.Faults.Enqueue(AlotechFault.TooManyRequests, 2);
        h.Simulator.Faults.Enqueue(AlotechFault.NonJson);
        h.Simulator.Faults.RetryAfterSeconds = 0;
        await h.Runner.BackfillAsync("alotech", From, To, null, None);
        await h.NormalizeAllAsync(From, To);
        var logs = h.Logs.GetSnapshot();
        Assert.NotEmpty(logs);
        var token = h.Simulator.State.Options.AppToken;
        var numbers = h.Simulator.ValidCallsBetween(From, To)
            .SelectMany(c => new[] { (string?)c.Json["callerid"], (string?)c.Json["called_num"] })
            .Where(n => n is { Length: > 6 } && n.Any(char.IsDigit)).Distinct().ToList();
        foreach (var entry in logs)
        {
            var text = entry.Message + entry.Exception + string.Join(",", entry.StructuredState?.Select(s => s.Value) ?? []);
            Assert.DoesNotContain(token, text, StringComparison.Ordinal);
            Assert.DoesNotContain(numbers, n => text.Contains(n!, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Renormalizing_a_changed_window_removes_the_rows_it_no_longer_produces()
    {
        await using var h = await AlotechHarness.StartAsync();
        var window = (From, From.AddHours(1));
        await h.Runner.BackfillAsync("alotech", window.From, window.Item2, null, None);
        await h.NormalizeAllAsync(window.From, window.Item2);
        var before = await h.TableSnapshotAsync();

        // The vendor corrects one call's caller number and drops another: re-land the window as it would arrive.
        var blob = h.Storage.Raw.GetBlobClient("alotech/2026/11/21/2100.json");
        var props = (await blob.GetPropertiesAsync()).Value;
        var pages = System.Text.Json.Nodes.JsonNode.Parse((await blob.DownloadContentAsync()).Value.Content.ToString())!.AsArray();
        var list = pages[0]!["CallList"]!.AsArray();
        var changed = (string)list[1]!["key"]!;
        var dropped = (string)list[2]!["key"]!;
        var oldNumber = (await h.Lookup.GetAsync("alotech", changed, None))!.FromNumber!;
        list[1]!["callerid"] = "+905559998877";
        list.RemoveAt(2);
        await blob.UploadAsync(BinaryData.FromString(pages.ToJsonString()), new Azure.Storage.Blobs.Models.BlobUploadOptions { Metadata = props.Metadata });

        var result = await h.Normalizer.NormalizeAsync(blob.Name, None);
        Assert.True(result.StaleRowsRemoved >= 3, $"removed {result.StaleRowsRemoved}");
        Assert.Null(await h.Lookup.GetAsync("alotech", dropped, None));
        Assert.Equal("+905559998877", (await h.Lookup.GetAsync("alotech", changed, None))!.FromNumber);
        var byOldNumber = await h.Lookup.ListByNumberAsync(oldNumber, window.From, window.Item2, null, 1000, null, None);
        Assert.DoesNotContain(byOldNumber.Calls, c => c.CallId == changed);
        var byNewNumber = await h.Lookup.ListByNumberAsync("+905559998877", window.From, window.Item2, null, 1000, null, None);
        Assert.Equal(changed, Assert.Single(byNewNumber.Calls).CallId);
        var after = await h.TableSnapshotAsync();
        Assert.Equal(before.Count(k => k.Key.Item1.StartsWith("day|", StringComparison.Ordinal)) - 1, after.Count(k => k.Key.Item1.StartsWith("day|", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_wrong_time_zone_is_reported_not_silently_dropped()
    {
        // Pulled in the tenant's zone, then normalized after someone changed the setting.
        await using var h = await AlotechHarness.StartAsync();
        await h.Runner.BackfillAsync("alotech", From, To, null, None);
        await using var changed = h.CreateServices(new Dictionary<string, string?> { ["Vendors:Alotech:TimeZone"] = "UTC" });
        var normalizer = changed.GetRequiredService<Normalizer>();
        foreach (var blob in await normalizer.ListRawBlobsAsync("alotech", From, To, None))
        {
            var result = await normalizer.NormalizeAsync(blob, None);
            Assert.True(result.OutsideWindow > result.Records, result.Summary);
        }
        Assert.Contains(changed.GetFakeLogCollector().GetSnapshot(), l => l.Level == Microsoft.Extensions.Logging.LogLevel.Warning && l.Message.Contains("TimeZone", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_live_lookup_asks_the_vendor_lands_the_answer_and_then_reads_the_table()
    {
        await using var h = await AlotechHarness.StartAsync();
        var live = h.Services.GetRequiredService<CdrFunctions.Pipeline.Lookup.LiveLookup>();
        var call = h.Simulator.ValidCallsBetween(From, To).First(c => c.Answered);

        Assert.Null(await live.GetAsync("alotech", call.Key, live: false, None));
        var fetched = await live.GetAsync("alotech", call.Key, live: true, None);
        Assert.Equal(call.CallDateUtc, fetched!.StartUtc);
        Assert.Equal($"alotech/2026/11/22/live-{call.Key}.json", fetched.RawBlob);
        Assert.Single(h.Simulator.Requests, r => r.QueryValue("callkey") == call.Key);

        Assert.Equal(fetched, await live.GetAsync("alotech", call.Key, live: true, None));
        Assert.Single(h.Simulator.Requests, r => r.QueryValue("callkey") == call.Key);
        Assert.Null(await live.GetAsync("alotech", "000000000000000", live: true, None));
    }

    private static async Task<Dictionary<string, string>> RawEtagsAsync(AlotechHarness h)
    {
        var etags = new Dictionary<string, string>();
        await foreach (var b in h.Storage.Raw.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.Metadata, Azure.Storage.Blobs.Models.BlobStates.None, null, None))
        {
            etags[b.Name] = b.Properties.ETag!.Value.ToString();
        }
        return etags;
    }
}
