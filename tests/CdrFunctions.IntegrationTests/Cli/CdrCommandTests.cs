using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using CdrFunctions.Pipeline.Storage;
using CdrFunctions.Simulators.Alotech;
using CdrFunctions.Simulators.Azurite;
using CdrFunctions.Simulators.DeepCall;
using CdrFunctions.Tests.Integration;

namespace CdrFunctions.Tests.Cli;

[Collection(AzuriteCollection.Name)]
public class CdrCommandTests
{
    private static readonly string Example = Path.Combine(AppContext.BaseDirectory, "Payloads", "Alotech", "page-example.json");

    private static string TempFile(string content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"cdr-test-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public async Task Parse_prints_one_json_line_per_call_and_exits_0()
    {
        var r = await CdrProcess.RunAsync(null, "parse", "--vendor", "alotech", "--input", Example);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Stderr);
        Assert.Equal(3, r.StdoutLines.Length);
        using var first = JsonDocument.Parse(r.StdoutLines[0]);
        Assert.Equal("2025-11-22T10:43:18Z", first.RootElement.GetProperty("startUtc").GetString());
        Assert.Equal(Example, first.RootElement.GetProperty("rawBlob").GetString());
    }

    [Fact]
    public async Task Parse_takes_the_time_zone_from_the_command_line()
    {
        var r = await CdrProcess.RunAsync(null, "parse", "--vendor", "alotech", "--input", Example, "--time-zone", "UTC");
        using var first = JsonDocument.Parse(r.StdoutLines[0]);
        Assert.Equal("2025-11-22T13:43:18Z", first.RootElement.GetProperty("startUtc").GetString());
    }

    [Fact]
    public async Task Parse_reports_bad_rows_on_stderr_and_still_exits_0()
    {
        var file = TempFile("""{"CallList":[{"key":"1","calldate":"2025-11-22 10:00:00"},{"calldate":"2025-11-22 10:00:00"},{"key":"3","calldate":"x"}]}""");
        var r = await CdrProcess.RunAsync(null, "parse", "--vendor", "alotech", "--input", file);
        Assert.Equal(0, r.ExitCode);
        Assert.Single(r.StdoutLines);
        Assert.Equal(2, r.StderrLines.Length);
        using var bad = JsonDocument.Parse(r.StderrLines[0]);
        Assert.Equal("page 1, record 2", bad.RootElement.GetProperty("position").GetString());
        Assert.Contains("key", bad.RootElement.GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("{\"CallList\":[{\"key\":\"1\",\"calldate\":\"2025-11-22 10:00:00\"},{\"key\":\"2\"")]
    [InlineData("<html>maintenance</html>")]
    public async Task Parse_of_an_unreadable_file_exits_2_with_one_line(string content)
    {
        var r = await CdrProcess.RunAsync(null, "parse", "--vendor", "alotech", "--input", TempFile(content));
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("cdr: ", Assert.Single(r.StderrLines));
        Assert.Contains("not readable", r.Stderr);
    }

    [Fact]
    public async Task Parse_of_a_missing_file_or_unknown_vendor_is_a_usage_error()
    {
        var missing = await CdrProcess.RunAsync(null, "parse", "--vendor", "alotech", "--input", "/nonexistent/file.json");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("cannot read", missing.Stderr);
        var vendor = await CdrProcess.RunAsync(null, "parse", "--vendor", "nosuch", "--input", Example);
        Assert.Equal(2, vendor.ExitCode);
        Assert.Contains("Unknown vendor 'nosuch'", vendor.Stderr);
    }

    [Theory]
    [InlineData("pull")]
    [InlineData("normalize")]
    public async Task An_empty_or_reversed_range_is_a_usage_error(string command)
    {
        var r = await CdrProcess.RunAsync(null, command, "--vendor", "alotech", "--from", "2026-11-22T10:00Z", "--to", "2026-11-22T09:00Z");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("cdr: --from must be before --to.", Assert.Single(r.StderrLines));
        var bad = await CdrProcess.RunAsync(null, command, "--vendor", "alotech", "--from", "yesterday", "--to", "2026-11-22T09:00Z");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("'yesterday' is not a date/time", bad.Stderr + bad.Stdout);
    }

    [Fact]
    public async Task Unreachable_azurite_gives_one_clear_line()
    {
        var env = new Dictionary<string, string> { ["CdrStorage"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AzuriteProcess.AccountKey + ";BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;" };
        var r = await CdrProcess.RunAsync(env, "lookup", "--vendor", "alotech", "--call-id", "x");
        Assert.Equal(1, r.ExitCode);
        var line = Assert.Single(r.StderrLines);
        Assert.Contains("Azurite is not running", line);
        Assert.Contains("npx azurite", line);
    }

    [Fact]
    public async Task Pull_exits_non_zero_when_another_run_holds_the_lease_and_nothing_was_pulled()
    {
        var storage = await AzuriteFixture.NewStorageAsync();
        await using var simulator = await AlotechSimulator.StartAsync(new AlotechSimulatorOptions());
        var env = AlotechEnvironment(storage, simulator);
        string[] range = ["--from", "2026-11-21T10:00:00Z", "--to", "2026-11-21T11:00:00Z"];
        var first = await CdrProcess.RunAsync(env, ["pull", "--vendor", "alotech", .. range]);
        Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
        // Another run takes the vendor's lease, as a concurrent or killed run would hold it.
        var checkpoints = CdrStorage.FromConnectionString(storage).Checkpoints;
        var row = (await checkpoints.GetEntityAsync<TableEntity>("checkpoint", "alotech")).Value;
        row["LeaseOwner"] = "another-run";
        row["LeaseUntil"] = DateTimeOffset.UtcNow.AddMinutes(5);
        await checkpoints.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Merge);
        var requests = simulator.Requests.Count;

        var held = await CdrProcess.RunAsync(env, ["pull", "--vendor", "alotech", .. range]);

        Assert.True(held.ExitCode == 1, held.Stdout + held.Stderr);
        Assert.Contains("LeaseHeld", held.Stdout, StringComparison.Ordinal);
        Assert.Contains("another run holds the run lease until", held.Stderr, StringComparison.Ordinal);
        Assert.Contains("nothing was pulled", held.Stderr, StringComparison.Ordinal);
        Assert.Equal(requests, simulator.Requests.Count);
    }

    [Fact]
    public async Task Pull_normalize_lookup_and_calls_work_from_the_command_line()
    {
        var storage = await AzuriteFixture.NewStorageAsync();
        await using var simulator = await AlotechSimulator.StartAsync(new AlotechSimulatorOptions());
        var env = AlotechEnvironment(storage, simulator);
        string[] range = ["--from", "2026-11-21T10:00:00Z", "--to", "2026-11-21T12:00:00Z"];
        var pull = await CdrProcess.RunAsync(env, ["pull", "--vendor", "alotech", .. range]);
        Assert.True(pull.ExitCode == 0, pull.Stdout + pull.Stderr);
        Assert.Contains("2 window(s)", pull.Stdout);
        var normalize = await CdrProcess.RunAsync(env, ["normalize", "--vendor", "alotech", .. range]);
        Assert.True(normalize.ExitCode == 0, normalize.Stdout + normalize.Stderr);

        var expected = simulator.ValidCallsBetween(new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));
        var call = expected.First(c => c.Answered);
        var lookup = await CdrProcess.RunAsync(env, "lookup", "--vendor", "alotech", "--call-id", call.Key);
        Assert.Equal(0, lookup.ExitCode);
        using var json = JsonDocument.Parse(lookup.Stdout);
        Assert.Equal(call.Key, json.RootElement.GetProperty("callId").GetString());
        var number = json.RootElement.GetProperty("fromNumber").GetString()!;

        var calls = await CdrProcess.RunAsync(env, ["calls", "--number", number, .. range]);
        Assert.Equal(0, calls.ExitCode);
        using var list = JsonDocument.Parse(calls.Stdout);
        Assert.Contains(list.RootElement.GetProperty("calls").EnumerateArray(), c => c.GetProperty("callId").GetString() == call.Key);

        var unknown = await CdrProcess.RunAsync(env, "lookup", "--vendor", "alotech", "--call-id", "no-such-call");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no call alotech/no-such-call", unknown.Stderr);
    }

    [Fact]
    public async Task Pull_and_normalize_write_plain_progress_lines_to_a_redirected_stderr_and_keep_stdout_for_their_report()
    {
        var storage = await AzuriteFixture.NewStorageAsync();
        await using var simulator = await AlotechSimulator.StartAsync(new AlotechSimulatorOptions());
        var env = AlotechEnvironment(storage, simulator);
        string[] range = ["--from", "2026-11-21T10:00:00Z", "--to", "2026-11-21T12:00:00Z"];

        var pull = await CdrProcess.RunAsync(env, ["pull", "--vendor", "alotech", .. range]);
        var normalize = await CdrProcess.RunAsync(env, ["normalize", "--vendor", "alotech", .. range]);

        Assert.True(pull.ExitCode == 0 && normalize.ExitCode == 0, pull.Stderr + normalize.Stderr);
        // The last line says where the pull ended, with the rate the vendor's limiter let requests through.
        var pulled = Assert.Single(pull.StderrLines, l => l.StartsWith("pull 2/2 windows,", StringComparison.Ordinal) && l.EndsWith(" req/s", StringComparison.Ordinal));
        var rate = Regex.Match(pulled, @", ([\d.]+) req/s$").Groups[1].Value;
        Assert.True(double.Parse(rate, CultureInfo.InvariantCulture) > 0, pulled);
        Assert.Contains(normalize.StderrLines, l => Regex.IsMatch(l, @"^normalize 2/2 blobs, [\d,]+ calls$"));
        Assert.DoesNotContain("req/s", normalize.Stderr, StringComparison.Ordinal);
        foreach (var run in new[] { pull, normalize })
        {
            Assert.DoesNotContain('\r', run.Stderr);
            Assert.DoesNotContain('\u001b', run.Stderr);
            Assert.DoesNotContain(" 2/2 ", run.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Demo_once_pulls_normalizes_and_finds_a_call()
    {
        var storage = await AzuriteFixture.NewStorageAsync();
        var r = await CdrProcess.RunAsync(new Dictionary<string, string> { ["CdrStorage"] = storage }, "demo", "--once", "--hours", "3");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        // Every simulated vendor was pulled, normalized and one of its calls found by id.
        Assert.Equal(CdrFunctions.Simulators.Common.VendorSimulations.All.Count, r.StdoutLines.Count(l => l.StartsWith("Lookup of ", StringComparison.Ordinal)));
        foreach (var vendor in new[] { "alotech", "engagevoice", "deepcall" })
        {
            Assert.Contains($"\"vendor\": \"{vendor}\"", r.Stdout);
        }
    }

    [Fact]
    public async Task Demo_keeps_serving_the_api_until_ctrl_c()
    {
        var storage = await AzuriteFixture.NewStorageAsync();
        var port = LiveCdrProcess.FreePort();
        using var demo = LiveCdrProcess.Start(
            new Dictionary<string, string> { ["CdrStorage"] = storage, ["Run__Url"] = $"http://127.0.0.1:{port}" },
            "demo", "--hours", "2");
        await demo.WaitForOutputAsync("Press Ctrl+C", TimeSpan.FromMinutes(2));

        // The printed curl lines work as shown: the demo key, the port, a call of every vendor.
        var curls = demo.Stdout.Split('\n').Where(l => l.Contains("curl -H", StringComparison.Ordinal) && l.Contains("/calls/", StringComparison.Ordinal)).ToList();
        Assert.Equal(CdrFunctions.Simulators.Common.VendorSimulations.All.Count, curls.Count);
        using var client = new HttpClient();
        client.DefaultRequestHeaders.Add("x-functions-key", "demo-key");
        foreach (var line in curls)
        {
            var url = line.Trim().Split(' ').Last();
            using var response = await client.GetAsync(url);
            Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode}");
        }

        await demo.InterruptAsync(TimeSpan.FromSeconds(90)); // generous: a loaded machine slows shutdown, not the product
        Assert.Equal(0, demo.ExitCode);
        Assert.Contains("Stopped.", demo.Stdout);
    }

    [Fact]
    public async Task Lookup_live_asks_deepcall_for_a_call_not_in_the_table()
    {
        var storage = await AzuriteFixture.NewStorageAsync();
        await using var simulator = await DeepCallSimulator.StartAsync();
        var env = new Dictionary<string, string>
        {
            ["CdrStorage"] = storage,
            ["Vendors__DeepCall__Host"] = simulator.BaseUrl.AbsoluteUri,
            ["Vendors__DeepCall__UserId"] = simulator.State.Options.UserId,
            ["Vendors__DeepCall__Token"] = simulator.State.Options.Token,
        };
        var call = simulator.ValidCallsBetween(new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 21, 11, 0, 0, TimeSpan.Zero)).First(c => c.Answered);

        var stored = await CdrProcess.RunAsync(env, "lookup", "--vendor", "deepcall", "--call-id", call.ClId);
        Assert.Equal(1, stored.ExitCode);
        var live = await CdrProcess.RunAsync(env, "lookup", "--vendor", "deepcall", "--call-id", call.ClId, "--live");
        Assert.True(live.ExitCode == 0, live.Stdout + live.Stderr);
        using var json = JsonDocument.Parse(live.Stdout);
        Assert.Equal(call.ClId, json.RootElement.GetProperty("callId").GetString());
        Assert.Equal(call.StartUtc, json.RootElement.GetProperty("startUtc").GetDateTimeOffset());
        Assert.Equal(call.TalkSeconds, json.RootElement.GetProperty("talkSeconds").GetInt32());
        Assert.DoesNotContain(simulator.State.Options.Token, live.Stdout + live.Stderr, StringComparison.Ordinal);
        // Now landed and normalized: found without asking the vendor again.
        var again = await CdrProcess.RunAsync(env, "lookup", "--vendor", "deepcall", "--call-id", call.ClId);
        Assert.Equal(0, again.ExitCode);
        Assert.Single(simulator.Requests);
    }

    /// <summary>The environment a <c>cdr</c> process needs for Alotech on this storage and simulator.</summary>
    private static Dictionary<string, string> AlotechEnvironment(string storage, AlotechSimulator simulator) => new()
    {
        ["CdrStorage"] = storage,
        ["Vendors__Alotech__Enabled"] = "true",
        ["Vendors__Alotech__BaseUrl"] = simulator.BaseUrl.AbsoluteUri,
        ["Vendors__Alotech__AppToken"] = simulator.State.Options.AppToken,
    };
}
