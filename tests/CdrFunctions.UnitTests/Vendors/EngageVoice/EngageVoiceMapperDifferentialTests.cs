using System.Text;
using CdrFunctions.Pipeline.Phones;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Tests.Vendors.EngageVoice.Reference;

namespace CdrFunctions.Tests.Vendors.EngageVoice;

/// <summary>
/// The Engage Voice parser split into a column-plan mapper, with phone numbers normalized from their bytes, against
/// the one-class parser of session 5 it replaced: the same calls (every field and the extras byte for byte) and
/// the same quarantine entries, over the fuzz corpus, over rows that take every slow path, and over a long
/// report in the simulator's shape (repeating and one-off numbers, both call results, times minute by minute).
/// </summary>
public class EngageVoiceMapperDifferentialTests : EngageVoiceDifferentialTests
{
    protected override Func<VendorClock, PhoneNumberNormalizer, Parse> Reference =>
        (clock, phones) => new Session5EngageVoiceParser(clock, phones).ParseAsync;

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    [InlineData(23)]
    public Task The_fuzz_corpus_reads_the_same(int seed) => FuzzAsync(seed);

    [Theory]
    [InlineData(31, "\r\n")]
    [InlineData(32, "\n")]
    public async Task A_long_report_reads_the_same(int seed, string lineBreak)
    {
        await AssertSameAsync(LongReport(seed, lineBreak), $"a report of seed {seed}");
    }

    [Fact]
    public void The_long_report_holds_what_the_comparison_relies_on()
    {
        // The long-report comparison is only as strong as its rows: both call results, a caller who repeats and
        // callers seen once, and calls in many minutes.
        var rows = Encoding.UTF8.GetString(LongReport(31, "\n")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(r => r.Split(',')).ToList();
        var callers = rows.GroupBy(r => r[3]).Select(g => g.Count()).ToList();

        Assert.Equal(3000, rows.Count);
        Assert.Contains(rows, r => r.Contains("CONNECTED"));
        Assert.Contains(rows, r => r.Contains("ABANDON"));
        Assert.Contains(callers, count => count > 100);
        Assert.Contains(callers, count => count == 1);
        Assert.True(rows.Select(r => r[13]).Distinct().Count() > 100);
    }
}
