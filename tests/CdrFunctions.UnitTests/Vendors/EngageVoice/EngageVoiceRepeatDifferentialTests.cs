using System.Text;
using CdrFunctions.Pipeline.Phones;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Tests.Vendors.EngageVoice.Reference;

namespace CdrFunctions.Tests.Vendors.EngageVoice;

/// <summary>
/// The Engage Voice parser that writes a repeated disposition's extras again as it wrote them, against the parser
/// of session 6 it replaced: the same calls (every field and the extras byte for byte) and the same quarantine
/// entries, over the fuzz corpus, rows that take every slow path, values repeated row after row in rows of every
/// kind, and long reports in the simulator's shape.
/// </summary>
public class EngageVoiceRepeatDifferentialTests : EngageVoiceDifferentialTests
{
    protected override Func<VendorClock, PhoneNumberNormalizer, Parse> Reference =>
        (clock, phones) => new Session6EngageVoiceParser(clock, phones).ParseAsync;

    [Theory]
    [InlineData(41)]
    [InlineData(42)]
    [InlineData(43)]
    public Task The_fuzz_corpus_reads_the_same(int seed) => FuzzAsync(seed);

    [Theory]
    [InlineData(51, "\r\n")]
    [InlineData(52, "\n")]
    public Task A_long_report_reads_the_same(int seed, string lineBreak) =>
        AssertSameAsync(LongReport(seed, lineBreak), $"a report of seed {seed}");

    [Fact]
    public async Task A_row_after_repeated_dispositions_reads_as_the_row_read_alone()
    {
        // What the parser remembers from the rows before must not show in a row: each row of a long report (its
        // dispositions repeat row after row and change) reads as it does at the start of a report of its own.
        var report = Encoding.UTF8.GetString(LongReport(53, "\n")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var whole = await RunAsync(Encoding.UTF8.GetBytes(string.Join('\n', report) + "\n"), Current);

        Assert.Equal(report.Length - 1, whole.Count);
        for (var row = 1; row < report.Length; row += 97)
        {
            var alone = await RunAsync(Encoding.UTF8.GetBytes(report[0] + "\n" + report[row] + "\n"), Current);
            Assert.Equal(whole[row - 1], Assert.Single(alone));
        }
    }
}
