using System.Text;
using CdrFunctions.Pipeline.Phones;

namespace CdrFunctions.Tests.Core.Phones;

/// <summary>
/// The cached-numbers filter in front of the normalizer's cache: a number the cache holds is answered from it
/// (the very string cached, not an answer worked out again), whether it is asked for as a string or as bytes; a
/// filter bit is set for every mark and found again.
/// </summary>
public class PhoneCacheTests
{
    [Fact]
    public void A_cached_number_is_answered_from_the_cache()
    {
        var normalizer = new PhoneNumberNormalizer("US");
        var random = new Random(6);
        // Fast-path numbers are cached on their second sighting, library answers (an international prefix,
        // another country, text) on their first.
        var numbers = Enumerable.Range(0, 3000).Select(_ => $"{random.Next(200, 999)}{random.Next(2, 10)}{random.Next(1_000_000):D6}")
            .Concat(["011442071234567", "+442071234567", "+33 1 23 45 67 89", "12345", "call me", "0012312866364"])
            .ToList();
        foreach (var number in numbers)
        {
            normalizer.Normalize(number);
            normalizer.Normalize(number);
        }
        foreach (var number in numbers)
        {
            var cached = normalizer.Normalize(number);
            Assert.Same(cached, normalizer.Normalize(number));
            Assert.Same(cached, normalizer.Normalize(Encoding.UTF8.GetBytes(number)));
        }
    }

    [Fact]
    public void Every_marked_hash_may_be_cached_and_few_others_seem_so()
    {
        var filter = new CachedNumbers();
        var random = new Random(7);
        var marked = Enumerable.Range(0, 2000).Select(_ => random.Next(int.MinValue, int.MaxValue)).ToList();
        marked.ForEach(filter.Mark);
        Assert.All(marked, hash => Assert.True(filter.MayContain(hash)));
        var others = Enumerable.Range(0, 10_000).Select(_ => random.Next(int.MinValue, int.MaxValue)).Count(filter.MayContain);
        Assert.True(others < 500, $"{others} of 10,000 unmarked hashes seem cached");
    }
}
