using System.Globalization;
using System.Text;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Phones;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Pipeline.Vendors;
using CdrFunctions.Tests.Robustness;
using CdrFunctions.Tests.Vendors.EngageVoice.Reference;
using CdrFunctions.Vendors.EngageVoice;

namespace CdrFunctions.Tests.Vendors.EngageVoice;

/// <summary>
/// The span-based Engage Voice reader against the string-based one it replaced: the same calls (every field
/// and the extras byte for byte) and the same quarantine entries, over the fuzz corpus of the sample rows and
/// over rows that take every slow path (non-ASCII, JSON escapes, white space of every kind, invalid UTF-8).
/// </summary>
public class EngageVoiceReaderDifferentialTests
{
    private static readonly string Header = string.Join(',', EngageVoiceParser.Columns);

    private static readonly string Row = EngageVoiceParserTests.SeedRows.Split('\n')[0].TrimEnd('\r');

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public async Task The_fuzz_corpus_reads_the_same(int seed)
    {
        var rows = EngageVoiceParserTests.SeedRows;
        byte[][] seeds =
        [
            Encoding.UTF8.GetBytes(rows),
            Encoding.UTF8.GetBytes(Header + "\r\n" + rows.ReplaceLineEndings("\r\n")),
            Encoding.UTF8.GetBytes(EngageVoiceParserTests.DocsHeader.Replace("media_market", "smedia_market", StringComparison.Ordinal) + "\n" + rows),
        ];
        var mutator = new Mutator(seed, json: false);
        for (var i = 0; i < 1200; i++)
        {
            await AssertSameAsync(mutator.Mutate(seeds[i % seeds.Length]), $"seed {seed}, input {i}");
        }
    }

    public static TheoryData<string> Values() =>
    [
        "Müller", "İstanbul ışık", "😀 emoji", "\u00A0padded\u00A0", "\u2003em\u2003", "\tTab\t", "a\"quote", "back\\slash",
        "<html>&'", "\u007Fdel", "\u2028line", "\uFEFFbom", "\u200Bzero", "x\u0085y", " \u0085 ", "\u001Cfs\u001F",
        "ANSWER( 5 )", "ANSWER(-5)", "ANSWER(+5)", "ANSWER(\u22125)", "ANSWER(٥)", "ANSWER(5) ", "(5)", "A()", "A(x)", "É(9)",
        "4/20/20 6:12 AM", "4/20/20  6:12 AM", "4/20/2020 6:12:30 PM", "4/20/20 18:12", "12/31/99 11:59 PM", "1/1/01 12:00 AM",
        "5", " 7 ", "+5", "-5", "٣", "99999999999", "2678401", "9223372036854775808", "", "'", "''x", "' 'y ",
    ];

    [Theory]
    [MemberData(nameof(Values))]
    public async Task Every_column_reads_the_same_odd_value(string value)
    {
        var fields = Row.Split(',');
        for (var column = 0; column < EngageVoiceParser.Columns.Count; column++)
        {
            var changed = (string[])fields.Clone();
            changed[column] = value.Contains('"', StringComparison.Ordinal) || value.Contains(',', StringComparison.Ordinal)
                ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
                : value;
            var row = string.Join(',', changed);
            await AssertSameAsync(Encoding.UTF8.GetBytes(row + "\n" + Row + "\n"), $"column {column} = '{value}'");
            await AssertSameAsync(Encoding.UTF8.GetBytes(Header + "\n" + row + "\n"), $"column {column} = '{value}' under the header");
        }
    }

    [Fact]
    public async Task Invalid_utf8_in_any_column_reads_the_same()
    {
        var fields = Row.Split(',');
        byte[][] bad = [[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0x80, 0x41]];
        for (var column = 0; column < fields.Length; column++)
        {
            foreach (var bytes in bad)
            {
                var before = Encoding.UTF8.GetBytes(string.Join(',', fields[..column]) + (column > 0 ? "," : "") + " ");
                var after = Encoding.UTF8.GetBytes(fields[column] + " ," + string.Join(',', fields[(column + 1)..]) + "\r\n" + Row + "\r\n");
                await AssertSameAsync([.. before, .. bytes, .. after], $"column {column}, bytes {Convert.ToHexString(bytes)}");
                await AssertSameAsync([0xEF, 0xBB, 0xBF, .. before, .. bytes, .. after], $"column {column}, bytes {Convert.ToHexString(bytes)} after a BOM");
            }
        }
    }

    [Fact]
    public async Task Byte_order_marks_and_headers_read_the_same()
    {
        byte[] bom = [0xEF, 0xBB, 0xBF];
        var rows = Encoding.UTF8.GetBytes(Row + "\n" + Row + "\n");
        await AssertSameAsync([.. bom, .. rows], "a BOM");
        await AssertSameAsync([.. bom, .. bom, .. rows], "two BOMs");
        await AssertSameAsync([.. bom, .. Encoding.UTF8.GetBytes(" \uFEFF" + Row + "\n")], "a BOM, a space and another");
        await AssertSameAsync([.. bom, .. Encoding.UTF8.GetBytes(Header.ToUpperInvariant() + "\n"), .. rows], "an upper-case header");
        await AssertSameAsync(Encoding.UTF8.GetBytes(Header.Replace("uii", " UII ", StringComparison.Ordinal) + ",,extra, \"d\u00FCp\"\n" + Row + ",x\n" + Row + "\n"), "a header with unnamed and odd columns");
        await AssertSameAsync(Encoding.UTF8.GetBytes("uii,ani,ani,enqueue_time\n'1,2312866364,7,4/20/20 6:12 AM\n"), "a short header with a repeated column");
    }

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

    private static async Task AssertSameAsync(byte[] input, string what)
    {
        var expected = await RunAsync(input, (clock, phones) => new StringEngageVoiceParser(clock, phones).ParseAsync);
        var actual = await RunAsync(input, (clock, phones) => new EngageVoiceParser(clock, phones).ParseAsync);
        Assert.True(expected.Count == actual.Count, $"{what}: {expected.Count} results before, {actual.Count} now\n{Show(input)}");
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i] == actual[i], $"{what}, result {i}:\nbefore: {expected[i]}\nnow:    {actual[i]}\n{Show(input)}");
        }
    }

    private delegate IAsyncEnumerable<ParseResult> Parse(Stream raw, RawFileInfo file, CancellationToken cancellationToken);

    private static async Task<List<string>> RunAsync(byte[] input, Func<VendorClock, PhoneNumberNormalizer, Parse> create)
    {
        var parse = create(VendorClock.ForZone("US/Eastern"), new PhoneNumberNormalizer("US"));
        var results = new List<string>();
        await foreach (var r in parse(new MemoryStream(input), new RawFileInfo("engagevoice/2020/04/20/1000.csv", null), CancellationToken.None))
        {
            results.Add(r.Record is { } call ? CallJson.Serialize(call) : r.Quarantined!.ToString());
        }
        return results;
    }

    private static string Show(byte[] input) => Encoding.UTF8.GetString(input.AsSpan(0, Math.Min(input.Length, 2000)));
}
