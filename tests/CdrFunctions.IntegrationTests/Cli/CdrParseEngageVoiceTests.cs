using System.Text.Json;

namespace CdrFunctions.Tests.Cli;

/// <summary><c>cdr parse --vendor engagevoice</c> tells the two streams apart by content, whatever stream is configured.</summary>
public class CdrParseEngageVoiceTests
{
    private static readonly string SpecExample = Path.Combine(AppContext.BaseDirectory, "Payloads", "EngageVoice", "interaction-metadata-spec-example.json");
    private static readonly string SeedRows = Path.Combine(AppContext.BaseDirectory, "Payloads", "EngageVoice", "seed-rows.csv");

    [Fact]
    public async Task Interaction_metadata_json_is_recognised_and_printed_one_record_per_dialog_bad_segments_on_stderr()
    {
        var r = await CdrProcess.RunAsync(null, "parse", "--vendor", "engagevoice", "--input", SpecExample);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Stderr);
        using var call = JsonDocument.Parse(Assert.Single(r.StdoutLines));
        Assert.Equal("202407221928172035020000000572", call.RootElement.GetProperty("callId").GetString());
        Assert.Equal("2024-07-22T11:24:40Z", call.RootElement.GetProperty("startUtc").GetString());
        Assert.Equal("answered", call.RootElement.GetProperty("outcome").GetString());

        var example = File.ReadAllText(SpecExample).Trim();
        var path = Path.Combine(Path.GetTempPath(), $"cdr-ev-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, example[..^1] + ",{\"subAccountId\":\"1\",\"dialogId\":\"d\",\"segmentId\":\"s\"}]");
        var withBad = await CdrProcess.RunAsync(null, "parse", "--vendor", "engagevoice", "--input", path);
        Assert.Equal(0, withBad.ExitCode);
        Assert.Single(withBad.StdoutLines);
        using var bad = JsonDocument.Parse(Assert.Single(withBad.StderrLines));
        Assert.Equal("segment 2", bad.RootElement.GetProperty("position").GetString());
        Assert.Contains("dialogStartTimeMs", bad.RootElement.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_csv_is_still_the_call_detail_report()
    {
        var r = await CdrProcess.RunAsync(null, "parse", "--vendor", "engagevoice", "--input", SeedRows);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(3, r.StdoutLines.Length);
    }
}
