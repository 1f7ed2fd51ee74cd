using CdrFunctions.Pipeline.Phones;

namespace CdrFunctions.Tests.Core.Phones;

public class PhoneNumberTests
{
    private readonly PhoneNumberNormalizer _tr = new("TR");

    [Theory]
    [InlineData("05321234567", "+905321234567")]
    [InlineData("+90 532 123 45 67", "+905321234567")]
    [InlineData("4440123", "+904440123")]
    [InlineData("905321234567", "+905321234567")]
    [InlineData("0212 555 12 34", "+902125551234")]
    [InlineData("(0212) 555-1234", "+902125551234")]
    public void Turkish_numbers_become_e164(string raw, string expected) => Assert.Equal(expected, _tr.Normalize(raw));

    [Theory]
    [InlineData("12345", "12345")]
    [InlineData("1001", "1001")]
    [InlineData(" 12-34 ", "1234")]
    public void Unparseable_numbers_keep_their_digits(string raw, string expected) => Assert.Equal(expected, _tr.Normalize(raw));

    [Theory]
    [InlineData("anonymous")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void Numbers_without_digits_are_unknown(string? raw) => Assert.Null(_tr.Normalize(raw));

    [Fact]
    public void Foreign_numbers_with_a_country_code_are_kept_as_theirs() =>
        Assert.Equal("+14155550123", _tr.Normalize("+1 415 555 0123"));

    [Fact]
    public void The_cache_counts_each_distinct_number_once_and_stops_at_its_cap()
    {
        var normalizer = new PhoneNumberNormalizer("TR");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("+905321234567", normalizer.Normalize("05321234567"));
        }
        Assert.Equal(1, normalizer.CachedCount);
        for (var i = 0; i < 100_050; i++)
        {
            normalizer.Normalize(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        Assert.Equal(100_000, normalizer.CachedCount);
        Assert.Equal("12345", normalizer.Normalize("12345"));
    }

    [Fact]
    public void Numbers_the_fast_path_answers_are_cached_from_their_second_sighting()
    {
        var normalizer = new PhoneNumberNormalizer("TR");
        var numbers = Enumerable.Range(0, 1_000).Select(i => "0532" + (1_000_000 + (i * 7)).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        foreach (var number in numbers)
        {
            Assert.Equal("+90" + number[1..], normalizer.Normalize(number));
        }
        // One-off callers stay out (but for the few sharing a bit of the seen-numbers filter).
        Assert.True(normalizer.CachedCount < 100, $"{normalizer.CachedCount} cached after one sighting each");
        foreach (var number in numbers)
        {
            Assert.Equal("+90" + number[1..], normalizer.Normalize(number));
        }
        Assert.Equal(1_000, normalizer.CachedCount);
    }

    [Fact]
    public void Unknown_regions_are_rejected() => Assert.Throws<ArgumentException>(() => new PhoneNumberNormalizer("XX"));

    [Theory]
    [InlineData("+905321234567", "+905*******67")]
    [InlineData("02125551234", "021******34")]
    [InlineData("1001", "****")]
    public void Masking_hides_the_middle_digits(string number, string masked) => Assert.Equal(masked, PhoneMask.Mask(number));
}
