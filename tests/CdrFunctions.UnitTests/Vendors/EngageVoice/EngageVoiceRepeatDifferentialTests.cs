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
}
