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
}
