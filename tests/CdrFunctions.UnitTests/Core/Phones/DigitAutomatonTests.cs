using System.Text.RegularExpressions;
using CdrFunctions.Pipeline.Phones;
using PhoneNumbers;

namespace CdrFunctions.Tests.Core.Phones;

/// <summary>
/// Differential check of <see cref="DigitAutomaton"/> against the regex it replaces, over every region's metadata:
/// each type's pattern, the general pattern, and the phone fast path's per-length validity (general pattern as a
/// lookahead, the types as alternatives), on every digit string up to 3 digits, every example number with each
/// digit changed, one added or dropped, and random digit strings of every length.
/// </summary>
public class DigitAutomatonTests
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    public static TheoryData<string> RegionGroups =>
    [
        .. Util.GetSupportedRegions().Order(StringComparer.Ordinal).Chunk(25).Select(c => string.Join(',', c)),
    ];

    [Theory]
    [MemberData(nameof(RegionGroups))]
    public void Matches_exactly_what_the_metadata_regex_matches(string regions)
    {
        foreach (var region in regions.Split(','))
        {
            var metadata = Util.GetMetadataForRegion(region);
            var random = new Random((region[0] * 128) + region[1]);
            var samples = Samples(region, random).ToList();
            foreach (var (regex, automaton, what) in Cases(metadata))
            {
                Assert.True(automaton is not null, $"{region}: {what} did not compile");
                foreach (var digits in samples)
                {
                    Assert.True(regex.IsMatch(digits) == automaton.IsMatch(digits), $"{region} {what} '{digits}': regex {regex.IsMatch(digits)}");
                }
            }
        }
    }

    [Theory]
    [InlineData("[2-9]\\d{9}")]  // \d is not in the metadata's syntax
    [InlineData("(12)3")]        // capturing group
    [InlineData("[^1]2")]
    [InlineData("12*")]
    [InlineData("1{2")]
    [InlineData("(?:12")]
    [InlineData("12)")]
    [InlineData("[9-2]")]
    [InlineData("a")]
    public void Refuses_what_it_does_not_read(string pattern) => Assert.Null(DigitAutomaton.TryCompile(pattern));

    [Theory]
    [InlineData("", "", true)]
    [InlineData("", "1", false)]
    [InlineData("1(?:2|)3", "13", true)]
    [InlineData("1(?:2|)3", "123", true)]
    [InlineData("[0-35-9]{2,3}", "03", true)]
    [InlineData("[0-35-9]{2,3}", "034", false)]
    [InlineData("[0-35-9]{2,3}", "059", true)]
    [InlineData("[0-35-9]{2,3}", "0599", false)]
    [InlineData("(?:1[2-4]?){2}5", "1135", true)]
    [InlineData("(?:1[2-4]?){2}5", "11345", false)]
    // Two digits a step: a non-digit in either place of a pair, or in the odd last place, is no match.
    [InlineData("[0-9]{4}", "1234", true)]
    [InlineData("[0-9]{4}", "a234", false)]
    [InlineData("[0-9]{4}", "1a34", false)]
    [InlineData("[0-9]{4}", "123a", false)]
    [InlineData("[0-9]{3}", "123", true)]
    [InlineData("[0-9]{3}", "12a", false)]
    [InlineData("[0-9]{3}", "12:", false)]
    [InlineData("[0-9]{3}", "12/", false)]
    public void Reads_the_metadata_syntax(string pattern, string digits, bool matches)
    {
        Assert.Equal(new Regex("^(?:" + pattern + ")$").IsMatch(digits), matches);
        var automaton = DigitAutomaton.TryCompile(pattern)!;
        // Every pattern here is small: the two-digit steps (and the odd last digit's single step) give these answers.
        Assert.True(automaton.StepsByPairs);
        Assert.Equal(matches, automaton.IsMatch(digits));
    }

    [Fact]
    public void A_large_automaton_steps_one_digit_at_a_time_with_the_same_answers()
    {
        // Over 255 states (every 3-digit prefix a state of its own): no pair table, the single steps answer.
        var pattern = string.Join('|', Enumerable.Range(0, 300).Select(i => $"{i:D3}[0-4]{{{(i % 3) + 1}}}"));
        var automaton = DigitAutomaton.TryCompile(pattern)!;
        Assert.False(automaton.StepsByPairs);
        var regex = new Regex("^(?:" + pattern + ")$");
        var random = new Random(7);
        for (var i = 0; i < 5_000; i++)
        {
            var digits = string.Concat(Enumerable.Range(0, random.Next(1, 8)).Select(_ => (char)('0' + random.Next(10))));
            Assert.True(regex.IsMatch(digits) == automaton.IsMatch(digits), $"'{digits}'");
        }
    }

    [Fact]
    public void An_intersection_matches_what_every_pattern_matches()
    {
        var both = DigitAutomaton.TryCompile("[1-5][0-9]", "[3-9][0-4]")!;
        Assert.True(both.IsMatch("34"));
        Assert.False(both.IsMatch("24"));
        Assert.False(both.IsMatch("35"));
        Assert.False(both.IsMatch("341"));
    }

    /// <summary>The regexes as the library and the fast path used them, each with its automaton.</summary>
    private static IEnumerable<(Regex Regex, DigitAutomaton? Automaton, string What)> Cases(PhoneMetadata metadata)
    {
        var general = metadata.GeneralDesc.NationalNumberPattern;
        if (!metadata.GeneralDesc.HasNationalNumberPattern)
        {
            yield break;
        }
        yield return (Whole(general), DigitAutomaton.TryCompile(general), "general pattern");
        PhoneNumberDesc[] types =
        [
            metadata.PremiumRate, metadata.TollFree, metadata.SharedCost, metadata.Voip, metadata.PersonalNumber,
            metadata.Pager, metadata.Uan, metadata.Voicemail, metadata.FixedLine, metadata.Mobile,
        ];
        var withPattern = types.Where(d => d.HasNationalNumberPattern).ToList();
        foreach (var type in withPattern)
        {
            yield return (Whole(type.NationalNumberPattern), DigitAutomaton.TryCompile(type.NationalNumberPattern), "type " + type.NationalNumberPattern[..Math.Min(30, type.NationalNumberPattern.Length)]);
        }
        for (var length = 2; length <= 17; length++)
        {
            var patterns = withPattern.Where(d => d.PossibleLengthCount == 0 || d.PossibleLengthList.Contains(length))
                .Select(d => "(?:" + d.NationalNumberPattern + ")").ToList();
            if (patterns.Count > 0)
            {
                var union = string.Join('|', patterns);
                yield return (new Regex("^(?=(?:" + general + ")$)(?:" + union + ")$", RegexOptions.CultureInvariant),
                    DigitAutomaton.TryCompile(general, union), $"validity of length {length}");
            }
        }
    }

    private static Regex Whole(string pattern) => new("^(?:" + pattern + ")$", RegexOptions.CultureInvariant);

    private static IEnumerable<string> Samples(string region, Random random)
    {
        for (var length = 0; length <= 3; length++)
        {
            var count = (int)Math.Pow(10, length);
            for (var n = 0; n < count; n++)
            {
                yield return length == 0 ? "" : n.ToString("D" + length, System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        var examples = Enum.GetValues<PhoneNumberType>()
            .Select(t => Util.GetExampleNumberForType(region, t))
            .Where(n => n is not null)
            .Select(n => Util.GetNationalSignificantNumber(n!))
            .Distinct();
        foreach (var example in examples)
        {
            yield return example;
            for (var i = 0; i < example.Length; i++)
            {
                for (var d = '0'; d <= '9'; d++)
                {
                    yield return string.Concat(example.AsSpan(0, i), [d], example.AsSpan(i + 1));
                }
                yield return example.Remove(i, 1);
                yield return example.Insert(i, random.Next(10).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            for (var i = 0; i < 20; i++)
            {
                // The example's first digits with a random rest: numbers the patterns' prefixes accept.
                var keep = random.Next(1, example.Length + 1);
                yield return example[..keep] + RandomDigits(random, example.Length - keep + random.Next(-1, 2));
            }
        }
        for (var i = 0; i < 300; i++)
        {
            yield return RandomDigits(random, random.Next(4, 18));
        }
    }

    private static string RandomDigits(Random random, int count) =>
        new([.. Enumerable.Range(0, Math.Max(0, count)).Select(_ => (char)('0' + random.Next(10)))]);
}
