using System.Globalization;
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
        var random = new Random(seed);
        var csv = new StringBuilder(Header).Append(lineBreak);
        var minute = new DateTime(2020, 4, 20, 0, 0, 0);
        string[] dialled = ["8889918278", "8774489485", "8669918200"];
        for (var i = 0; i < 3000; i++)
        {
            minute = minute.AddMinutes(random.Next(2));
            var connected = random.Next(7) > 0;
            var caller = random.Next(4) == 0 ? "2312866364" : string.Create(CultureInfo.InvariantCulture, $"{random.Next(200, 999)}{random.Next(2, 10)}{random.Next(1_000_000):D6}");
            var time = minute.ToString("M/d/yy h:mm tt", CultureInfo.InvariantCulture);
            var queue = random.Next(1, 40);
            var talk = connected ? random.Next(5, 900) : 0;
            csv.Append(CultureInfo.InvariantCulture, $"1111,DTE,'2020042509122501{i:D14},{caller},{dialled[random.Next(3)]},,,,,,,,0,{time},{time},{queue},")
                .Append((connected ? "COMPLETE" : "ABANDON").PadRight(20))
                .Append(CultureInfo.InvariantCulture, $",No,{(connected ? 2 : 1)},{(connected ? "CONNECTED" : "ABANDON")},{queue + talk},,")
                .Append(connected ? string.Create(CultureInfo.InvariantCulture, $"4546,DTE,5854987200,{talk},") : ",,,,")
                .Append(connected ? "4546,DTE,5854987200,ANSWER(5),,,," : "4546,DTE,5854987200,NOANSWER(20),,,,")
                .Append(lineBreak);
        }
        await AssertSameAsync(Encoding.UTF8.GetBytes(csv.ToString()), $"a report of seed {seed}");
    }
}
