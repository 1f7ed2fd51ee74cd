using System.Text.Json;

namespace CdrFunctions.Tests.Cli;

public class EngageVoiceParseCommandTests
{
    private static readonly string SeedRows = Path.Combine(AppContext.BaseDirectory, "Payloads", "EngageVoice", "seed-rows.csv");

    [Fact]
    public async Task Parse_reads_the_seed_rows_in_the_given_zone()
    {
        var r = await CdrProcess.RunAsync(null, "parse", "--vendor", "engagevoice", "--input", SeedRows, "--time-zone", "US/Arizona");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Stderr);
        Assert.Equal(3, r.StdoutLines.Length);
        using var first = JsonDocument.Parse(r.StdoutLines[0]);
        var call = first.RootElement;
        Assert.Equal("engagevoice", call.GetProperty("vendor").GetString());
        Assert.Equal("202004250912250132110000003150", call.GetProperty("callId").GetString());
        Assert.Equal("2020-04-20T13:12:00Z", call.GetProperty("startUtc").GetString());
        Assert.Equal("+12312866364", call.GetProperty("fromNumber").GetString());
        Assert.Equal("answered", call.GetProperty("outcome").GetString());
        Assert.Equal("ANSWER", call.GetProperty("extras").GetProperty("attempt_1_disp_code").GetString());
    }

    [Fact]
    public async Task Parse_reports_bad_rows_with_their_line_on_stderr()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cdr-test-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path, await File.ReadAllTextAsync(SeedRows) + "\n1111,DTE,'123,cut\n");
        var r = await CdrProcess.RunAsync(null, "parse", "--vendor", "engagevoice", "--input", path, "--time-zone", "US/Arizona");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(3, r.StdoutLines.Length);
        using var bad = JsonDocument.Parse(Assert.Single(r.StderrLines));
        // Line 4 is the empty line after the seed rows: line numbers count every line of the file.
        Assert.Equal("line 5", bad.RootElement.GetProperty("position").GetString());
    }
}
