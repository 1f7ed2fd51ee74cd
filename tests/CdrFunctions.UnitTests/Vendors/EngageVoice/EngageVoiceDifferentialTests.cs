using System.Globalization;
using System.Text;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Phones;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Pipeline.Vendors;
using CdrFunctions.Tests.Robustness;
using CdrFunctions.Vendors.EngageVoice;

namespace CdrFunctions.Tests.Vendors.EngageVoice;

/// <summary>
/// The Engage Voice parser against a parser it replaced (<see cref="Reference"/>): the same calls (every field and
/// the extras byte for byte) and the same quarantine entries, over the fuzz corpus of the sample rows and over rows
/// that take every slow path (non-ASCII, JSON escapes, white space of every kind, invalid UTF-8, odd headers).
/// </summary>
public abstract class EngageVoiceDifferentialTests
{
    protected static readonly string Header = string.Join(',', EngageVoiceParser.Columns);

    protected static readonly string Row = EngageVoiceParserTests.SeedRows.Split('\n')[0].TrimEnd('\r');

    /// <summary>The parser the current one is compared with.</summary>
    protected abstract Func<VendorClock, PhoneNumberNormalizer, Parse> Reference { get; }

    public static TheoryData<string> Values() =>
    [
        "Müller", "İstanbul ışık", "😀 emoji", "\u00A0padded\u00A0", "\u2003em\u2003", "\tTab\t", "a\"quote", "back\\slash",
        "<html>&'", "\u007Fdel", "\u2028line", "\uFEFFbom", "\u200Bzero", "x\u0085y", " \u0085 ", "\u001Cfs\u001F",
        "ANSWER( 5 )", "ANSWER(-5)", "ANSWER(+5)", "ANSWER(\u22125)", "ANSWER(٥)", "ANSWER(5) ", "(5)", "A()", "A(x)", "É(9)",
        "4/20/20 6:12 AM", "4/20/20  6:12 AM", "4/20/2020 6:12:30 PM", "4/20/20 18:12", "12/31/99 11:59 PM", "1/1/01 12:00 AM",
        "5", " 7 ", "+5", "-5", "٣", "99999999999", "2678401", "9223372036854775808", "", "'", "''x", "' 'y ",
    ];

    /// <summary>1,200 mutations of the sample rows (with and without a header) from <paramref name="seed"/>.</summary>
    protected async Task FuzzAsync(int seed)
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

    [Theory]
    [MemberData(nameof(Values), MemberType = typeof(EngageVoiceDifferentialTests))]
    [InlineData("+1 231 286 6364")]
    [InlineData("٢٣١٢٨٦٦٣٦٤")]
    [InlineData("anonymous")]
    [InlineData("2312866364x1")]
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
        await AssertSameAsync(Encoding.UTF8.GetBytes("dnis,uii,enqueue_time,attempt_2_disp,ani\n8889918278,'1,4/20/20 6:12 AM,BUSY(x),\n"), "a reordered header");
    }

    [Fact]
    public async Task Values_repeated_row_after_row_read_the_same()
    {
        // A value that repeats, changes and comes back, in rows of printable ASCII and in rows with a quote,
        // non-ASCII or invalid UTF-8 elsewhere; long values too.
        var fields = Row.Split(',');
        string[] values =
        [
            "ANSWER(5)", "ANSWER(5)", "ANSWER(6)", "BUSY(x)", "BUSY(y)", "ANSWER(5)", "", "ANSWER(5)", "É(9)", "É(9)", "ANSWER(5)", "a\"q(1)", "a\"q(1)",
            "ANSWER(5) ", "ANSWER(5)", new string('A', 70) + "(1)", new string('A', 70) + "(1)", new string('B', 250) + "(7)",
            new string('B', 250) + "(7)", "NOANSWER(20)", "NOANSWER(20)", "ANSWER(5)",
        ];
        string[] elsewhere = ["DTE", "Müller", "\"D,TE\"", "D\uFFFDTE"];
        foreach (var column in new[] { 0, 19, 23, 29, 33 })
        {
            var rows = new StringBuilder();
            for (var i = 0; i < values.Length * elsewhere.Length; i++)
            {
                var changed = (string[])fields.Clone();
                var value = values[i % values.Length];
                changed[column] = value.Contains('"', StringComparison.Ordinal) ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
                changed[column == 23 ? 27 : 23] = elsewhere[i / values.Length];
                rows.Append(string.Join(',', changed)).Append('\n');
            }
            var bytes = Encoding.UTF8.GetBytes(rows.ToString());
            await AssertSameAsync(bytes, $"column {column}");
            await AssertSameAsync([.. Encoding.UTF8.GetBytes(Header + "\r\n"), .. bytes], $"column {column} under the header");
            // The same rows with a byte that is not UTF-8 at all where U+FFFD stood.
            await AssertSameAsync(ReplaceAll(bytes, Encoding.UTF8.GetBytes("\uFFFD"), [0xFF]), $"column {column} with invalid UTF-8 elsewhere");
        }
    }

    /// <summary>
    /// 3,000 rows in the simulator's shape from <paramref name="seed"/>: repeating and one-off numbers, both call
    /// results, times minute by minute.
    /// </summary>
    protected static byte[] LongReport(int seed, string lineBreak)
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
        return Encoding.UTF8.GetBytes(csv.ToString());
    }

    protected async Task AssertSameAsync(byte[] input, string what)
    {
        var expected = await RunAsync(input, Reference);
        var actual = await RunAsync(input, Current);
        Assert.True(expected.Count == actual.Count, $"{what}: {expected.Count} results before, {actual.Count} now\n{Show(input)}");
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i] == actual[i], $"{what}, result {i}:\nbefore: {expected[i]}\nnow:    {actual[i]}\n{Show(input)}");
        }
    }

    /// <summary>The parser under test.</summary>
    protected static readonly Func<VendorClock, PhoneNumberNormalizer, Parse> Current = (clock, phones) => new EngageVoiceParser(clock, phones).ParseAsync;

    protected delegate IAsyncEnumerable<ParseResult> Parse(Stream raw, RawFileInfo file, CancellationToken cancellationToken);

    /// <summary>The results of the parser <paramref name="create"/> makes, over <paramref name="input"/>: each call's JSON or its quarantine entry.</summary>
    protected static async Task<List<string>> RunAsync(byte[] input, Func<VendorClock, PhoneNumberNormalizer, Parse> create)
    {
        var parse = create(VendorClock.ForZone("US/Eastern"), new PhoneNumberNormalizer("US"));
        var results = new List<string>();
        await foreach (var r in parse(new MemoryStream(input), new RawFileInfo("engagevoice/2020/04/20/1000.csv", null), CancellationToken.None))
        {
            results.Add(r.Record is { } call ? CallJson.Serialize(call) : r.Quarantined!.ToString());
        }
        return results;
    }

    private static byte[] ReplaceAll(byte[] input, byte[] find, byte[] with)
    {
        var output = new List<byte>(input.Length);
        for (var i = 0; i < input.Length;)
        {
            if (input.AsSpan(i).StartsWith(find))
            {
                output.AddRange(with);
                i += find.Length;
            }
            else
            {
                output.Add(input[i++]);
            }
        }
        return [.. output];
    }

    private static string Show(byte[] input) => Encoding.UTF8.GetString(input.AsSpan(0, Math.Min(input.Length, 2000)));
}
