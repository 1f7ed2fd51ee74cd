using System.Globalization;
using CdrFunctions.Pipeline.Phones;

namespace CdrFunctions.Tests.Core.Phones;

/// <summary>
/// The normalizer's filters are hints read and marked without its lock, over their own hash of the number: the
/// hash spreads real-looking numbers (consecutive ones too) as well as random hashes spread, and a normalizer
/// shared by threads answers every number as a normalizer of its own does.
/// </summary>
public class PhoneHintTests
{
    public static TheoryData<string> Shapes() => ["random", "consecutive", "with plus", "spaced"];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void The_hint_hash_spreads_numbers_for_both_filters(string shape)
    {
        var random = new Random(11);
        var numbers = Enumerable.Range(0, 20_000).Select(i => shape switch
        {
            "random" => string.Create(CultureInfo.InvariantCulture, $"{random.Next(200, 999)}{random.Next(2, 10)}{random.Next(1_000_000):D6}"),
            "consecutive" => string.Create(CultureInfo.InvariantCulture, $"21255{i:D5}"),
            "with plus" => string.Create(CultureInfo.InvariantCulture, $"+9053{i:D8}"),
            _ => string.Create(CultureInfo.InvariantCulture, $"212 555 {i:D5}"),
        }).Distinct().ToList();
        var seen = new SeenNumbers();
        var firstMarksSeen = numbers.Take(8000).Count(n => seen.MarkSeen(PhoneNumberNormalizer.HintHash(n)));
        Assert.True(firstMarksSeen < 40, $"{firstMarksSeen} of 8,000 first marks seemed seen");
        var cached = new CachedNumbers();
        numbers.Take(2000).ToList().ForEach(n => cached.Mark(PhoneNumberNormalizer.HintHash(n)));
        var others = numbers.Skip(2000).Take(10_000).Count(n => cached.MayContain(PhoneNumberNormalizer.HintHash(n)));
        Assert.True(others < 500, $"{others} of 10,000 uncached numbers seem cached");
    }

    [Fact]
    public void A_normalizer_shared_by_threads_answers_as_one_of_its_own()
    {
        var random = new Random(12);
        var numbers = Enumerable.Range(0, 4000)
            .Select(_ => string.Create(CultureInfo.InvariantCulture, $"{random.Next(200, 999)}{random.Next(2, 10)}{random.Next(1_000_000):D6}"))
            .Concat(["011442071234567", "+442071234567", "+33 1 23 45 67 89", "12345", "call me", "0012312866364", "2312866364"])
            .ToList();
        var expected = numbers.ToDictionary(n => n, n => new PhoneNumberNormalizer("US").NormalizeWithLibrary(n));
        var shared = new PhoneNumberNormalizer("US");
        // Every thread asks for every number a few times, in its own order: hints marked and read by several at once.
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, thread =>
        {
            var order = new Random(thread);
            for (var round = 0; round < 3; round++)
            {
                foreach (var number in numbers.OrderBy(_ => order.Next()))
                {
                    Assert.Equal(expected[number], shared.Normalize(number));
                }
            }
        });
    }
}
