using System.Globalization;
using System.Text;
using CdrFunctions.Pipeline.Phones;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Tests.Vendors.EngageVoice.Reference;
using CdrFunctions.Vendors.EngageVoice;

namespace CdrFunctions.Tests.Vendors.EngageVoice;

/// <summary>
/// The span-based Engage Voice reader against the string-based one it replaced: the same calls (every field
/// and the extras byte for byte) and the same quarantine entries, over the fuzz corpus of the sample rows and
/// over rows that take every slow path (non-ASCII, JSON escapes, white space of every kind, invalid UTF-8).
/// </summary>
public class EngageVoiceReaderDifferentialTests : EngageVoiceDifferentialTests
{
    protected override Func<VendorClock, PhoneNumberNormalizer, Parse> Reference =>
        (clock, phones) => new StringEngageVoiceParser(clock, phones).ParseAsync;

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public Task The_fuzz_corpus_reads_the_same(int seed) => FuzzAsync(seed);

    [Fact]
    public void Report_times_read_as_the_culture_aware_parse_reads_them()
    {
        string[] formats = ["M/d/yy h:mm tt", "M/d/yy h:mm:ss tt", "M/d/yyyy h:mm tt", "M/d/yyyy h:mm:ss tt", "M/d/yy H:mm", "M/d/yyyy H:mm"];
        var texts = new List<string>
        {
            "4/20/20 6:12 AM", "04/20/20 06:12 AM", "4/20/20 6:12 am", "4/20/20  6:12 AM", " 4/20/20 6:12 AM", "4/20/20 6:12 AM ", "4/20/20 0:12 AM",
            "4/20/20 12:00 AM", "4/20/20 12:00 PM", "4/20/20 13:00 PM", "2/29/20 1:00 AM", "2/29/21 1:00 AM", "4/31/20 1:00 AM", "13/1/20 1:00 AM",
            "4/20/20 6:60 AM", "4/20/20 6:5 AM", "4/20/20 6:12 A", "4/20/20 6:12 AMX", "4/20/20 6:12 XM", "4/20/2020 6:12 AM", "4/20/20 6:12:30 AM",
            "4/20/20 18:12", "0/0/00 0:00 AM", "1/1/00 1:00 AM", "", "4/20/20 6:12 ＡＭ", "٤/20/20 6:12 AM",
        };
        for (var year = 1950; year < 2050; year += 7)
        {
            for (var minute = 0; minute < 24 * 60; minute += 37)
            {
                var time = new DateTime(year, 1 + (minute % 12), 1 + (minute % 28), minute / 60, minute % 60, 0);
                texts.Add(time.ToString(formats[0], CultureInfo.InvariantCulture));
                texts.Add(time.ToString("MM/dd/yy hh:mm tt", CultureInfo.InvariantCulture));
            }
        }
        foreach (var text in texts)
        {
            DateTime? expected = DateTime.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.AllowInnerWhite, out var parsed) ? parsed : null;
            var actual = EngageVoiceParser.ParseReportTime(text);
            Assert.True(expected == actual && expected?.Kind == actual?.Kind, $"'{text}': {expected:O} expected, {actual:O} read");
        }
    }

    [Fact]
    public void Whole_numbers_read_as_the_framework_reads_their_text()
    {
        var random = new Random(14);
        var texts = new List<string>
        {
            "", "0", "00", "-0", "+0", "-5", "+5", " 5", "5 ", "5\0", "5\0\0", "\05", "٥", "５", "1e3", "1.0", "1,000", "0x10",
            "999999999999999999", "9223372036854775807", "9223372036854775808", "09223372036854775807", "-9223372036854775808",
        };
        for (var i = 0; i < 5_000; i++)
        {
            var digits = new string([.. Enumerable.Range(0, random.Next(1, 26)).Select(_ => (char)('0' + random.Next(10)))]);
            texts.Add(digits);
            texts.Add(new string('0', random.Next(1, 4)) + digits);
            texts.Add((random.Next(2) == 0 ? "-" : "+") + digits);
        }
        foreach (var style in new[] { NumberStyles.None, NumberStyles.AllowLeadingSign })
        {
            foreach (var text in texts)
            {
                var expected = long.TryParse(text, style, CultureInfo.InvariantCulture, out var e) ? e : (long?)null;
                var actual = EngageVoiceParser.TryParseLong(Encoding.UTF8.GetBytes(text), style, out var a) ? a : (long?)null;
                Assert.True(expected == actual, $"'{text}' ({style}): {expected} expected, {actual} read");
            }
        }
    }
}
