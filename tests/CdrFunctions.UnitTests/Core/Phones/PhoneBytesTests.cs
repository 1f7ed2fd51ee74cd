using System.Text;
using CdrFunctions.Pipeline.Phones;

namespace CdrFunctions.Tests.Core.Phones;

/// <summary>
/// <see cref="PhoneNumberNormalizer.Normalize(ReadOnlySpan{byte})"/> against the string overload it stands in for:
/// the same answer for every input, seen once or again (so from the cache too), over the fast path's samples and
/// values that leave it (non-ASCII, white space, text, long input).
/// </summary>
public class PhoneBytesTests
{
    private static readonly string[] Odd =
    [
        "", " ", "\t", "\u00A0", " 2312866364 ", "anonymous", "+", "+ ", "٢٣١٢٨٦٦٣٦٤", "２３１２８６６３６４", "231-286-6364", "(231) 286 6364",
        "+1 231 286 6364", "0012312866364", "01112312866364", "12312866364", "2312866364x12", "\u200B2312866364", "23128663\u00A064",
        new string('9', 63), new string('9', 64), new string('9', 65), "+" + new string('1', 80), "Müller", "😀", "\uFFFD2312866364",
    ];

    [Theory]
    [MemberData(nameof(PhoneFastPathTests.Regions), MemberType = typeof(PhoneFastPathTests))]
    public void Bytes_normalize_as_their_string_does(string region)
    {
        var byString = new PhoneNumberNormalizer(region);
        var byBytes = new PhoneNumberNormalizer(region);
        var random = new Random((region[0] * 128) + region[1]);
        var inputs = PhoneFastPathTests.Samples(region, random).Select(s => s.Raw).Concat(Odd).ToList();
        // Twice over: the second pass is answered from each normalizer's cache where it admitted the number.
        foreach (var raw in inputs.Concat(inputs))
        {
            var expected = byString.Normalize(raw);
            var actual = byBytes.Normalize(Encoding.UTF8.GetBytes(raw));
            Assert.True(expected == actual, $"{region} '{raw}': {expected} from the string, {actual} from its bytes");
        }
        Assert.Equal(byString.CachedCount, byBytes.CachedCount);
    }
}
