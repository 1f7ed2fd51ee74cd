using System.Globalization;
using System.Text;
using CdrFunctions.Pipeline.Phones;
using PhoneNumbers;

namespace CdrFunctions.Tests.Core.Phones;

/// <summary>
/// Differential check of the phone fast path: wherever it answers, its answer is libphonenumber's, over numbers
/// built from each region's own example numbers in every shape vendors send (national, trunk prefix, country
/// code with and without '+', international prefix) and mutated (digits changed, added, dropped) and over
/// random digit strings. It must also answer for most of the region's valid numbers, or it would not be a fast path.
/// </summary>
public class PhoneFastPathTests
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    // The vendors' default regions first, then regions with other prefix rules (shared +1 and +7, trunk
    // prefixes that are not 0, Italian leading zeros, no national prefix).
    public static TheoryData<string> Regions => ["TR", "US", "IN", "GB", "DE", "IT", "FR", "BR", "RU", "AU", "NL", "ES", "MX", "CN", "JP", "AR"];

    [Theory]
    [MemberData(nameof(Regions))]
    public void Answers_only_what_libphonenumber_answers(string region)
    {
        var normalizer = new PhoneNumberNormalizer(region);
        var fast = PhoneFastPath.For(Util, region);
        var random = new Random((region[0] * 128) + region[1]);
        int answered = 0, valid = 0, validAnswered = 0;
        foreach (var (raw, isVendorShape) in Samples(region, random))
        {
            var library = normalizer.NormalizeWithLibrary(raw);
            // The normalizer as wired (fast path first, cache) gives the library's answer for every input.
            var wired = normalizer.Normalize(raw);
            Assert.True(library == wired, $"{region} '{raw}': normalizer {wired}, library {library}");
            var answer = fast?.TryNormalize(raw);
            if (answer is not null)
            {
                answered++;
                Assert.True(answer == library, $"{region} '{raw}': fast path {answer}, library {library}");
            }
            if (isVendorShape && IsValidIn(region, library))
            {
                valid++;
                validAnswered += answer is null ? 0 : 1;
            }
        }
        if (region is "TR" or "US" or "IN")
        {
            Assert.NotNull(fast);
            // Valid numbers of the region in national, trunk-prefixed and country-code shapes are the fast path's job.
            Assert.True(validAnswered >= valid * 9 / 10, $"{region}: the fast path answered {validAnswered} of {valid} valid numbers of the region in vendor shapes");
        }
        Assert.True(fast is null || answered > 0, $"{region}: the fast path never answered");
    }

    [Theory]
    [InlineData("TR", "05321234567", "+905321234567")]
    [InlineData("TR", "905321234567", "+905321234567")]
    [InlineData("TR", "+905321234567", "+905321234567")]
    [InlineData("TR", "02124440000", "+902124440000")]
    [InlineData("US", "2125551234", "+12125551234")]
    [InlineData("US", "12125551234", "+12125551234")]
    [InlineData("US", "+12125551234", "+12125551234")]
    [InlineData("IN", "9876543210", "+919876543210")]
    [InlineData("IN", "09876543210", "+919876543210")]
    [InlineData("IN", "+919876543210", "+919876543210")]
    [InlineData("TR", "0532 123 45 67", "+905321234567")]
    [InlineData("TR", "+90 532 123-45-67", "+905321234567")]
    [InlineData("US", "212-555-1234", "+12125551234")]
    public void Vendor_shapes_are_answered_as_the_library_does(string region, string raw, string expected)
    {
        Assert.Equal(expected, PhoneFastPath.For(Util, region)!.TryNormalize(raw));
        Assert.Equal(expected, new PhoneNumberNormalizer(region).NormalizeWithLibrary(raw));
    }

    [Theory]
    [InlineData("TR", "+14155550123")]   // another country: the library decides
    [InlineData("TR", "00905321234567")] // international prefix
    [InlineData("TR", "12345")]          // not valid: the library's second try and the digits decide
    [InlineData("TR", "(0212) 555 12 34")] // brackets
    [InlineData("TR", " 05321234567")]
    [InlineData("TR", "0532 123 45 67 ")]
    [InlineData("TR", "+ 905321234567")]
    [InlineData("TR", "0532  -x 1234567")]
    [InlineData("US", "0112125551234")]
    public void Leaves_everything_else_to_the_library(string region, string raw) =>
        Assert.Null(PhoneFastPath.For(Util, region)!.TryNormalize(raw));

    internal static IEnumerable<(string Raw, bool VendorShape)> Samples(string region, Random random)
    {
        var metadata = Util.GetMetadataForRegion(region);
        var cc = metadata.CountryCode.ToString(CultureInfo.InvariantCulture);
        var trunk = metadata.NationalPrefix;
        var idd = metadata.PreferredInternationalPrefix is { Length: > 0 } p ? p : "00";
        var examples = Enum.GetValues<PhoneNumberType>()
            .Select(t => Util.GetExampleNumberForType(region, t))
            .Where(n => n is not null)
            .Select(n => Util.GetNationalSignificantNumber(n!))
            .Distinct()
            .ToList();
        // More for the vendors' own regions; each sample costs a libphonenumber parse or two.
        var rounds = region is "TR" or "US" or "IN" ? 2_500 : 600;
        for (var i = 0; i < rounds; i++)
        {
            var example = examples[random.Next(examples.Count)];
            // Same length, random digits after the first two: mostly valid in regions with broad patterns.
            var nsn = example[..Math.Min(2, example.Length)] + Digits(random, example.Length - Math.Min(2, example.Length));
            var shapes = new[] { nsn, trunk + nsn, cc + nsn, "+" + cc + nsn };
            foreach (var shape in shapes)
            {
                yield return (shape, true);
                yield return (Mutate(shape, random), false);
                yield return (Separated(shape, random), false);
            }
            yield return ("+" + cc + trunk + nsn, false);
            yield return (idd + cc + nsn, false);
            yield return (cc + trunk + nsn, false);
            yield return (Digits(random, random.Next(1, 21)), false);
            yield return ("+" + Digits(random, random.Next(1, 21)), false);
            yield return ("+" + Util.GetSupportedCallingCodes().ElementAt(random.Next(200)) + Digits(random, random.Next(4, 14)), false);
        }
    }

    /// <summary>Whether the library's answer is a valid number of the region itself (not a digits fallback, not another +1 region).</summary>
    private static bool IsValidIn(string region, string? e164) =>
        e164 is not null && e164.StartsWith('+') && Util.IsValidNumberForRegion(Util.Parse(e164, region), region);

    private static string Mutate(string s, Random random)
    {
        var sb = new StringBuilder(s);
        var start = s.StartsWith('+') ? 1 : 0;
        switch (random.Next(4))
        {
            case 0 when sb.Length > start:
                sb[random.Next(start, sb.Length)] = (char)('0' + random.Next(10));
                break;
            case 1:
                sb.Insert(random.Next(start, sb.Length + 1), (char)('0' + random.Next(10)));
                break;
            case 2 when sb.Length > start + 1:
                sb.Remove(random.Next(start, sb.Length), 1);
                break;
            default:
                sb.Append(Digits(random, random.Next(1, 4)));
                break;
        }
        return sb.ToString();
    }

    /// <summary>Spaces and hyphens put in at random places, ends and doubled ones included.</summary>
    private static string Separated(string s, Random random)
    {
        var sb = new StringBuilder(s);
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            sb.Insert(random.Next(0, sb.Length + 1), random.Next(3) == 0 ? '-' : ' ');
        }
        return sb.ToString();
    }

    private static string Digits(Random random, int count)
    {
        var chars = new char[count];
        for (var i = 0; i < count; i++)
        {
            chars[i] = (char)('0' + random.Next(10));
        }
        return new string(chars);
    }
}
