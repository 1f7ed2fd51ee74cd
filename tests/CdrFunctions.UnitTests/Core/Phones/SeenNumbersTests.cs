using CdrFunctions.Pipeline.Phones;

namespace CdrFunctions.Tests.Core.Phones;

/// <summary>
/// The seen-numbers filter in front of the normalizer's cache: a number is seen on its second mark (until the
/// filter is cleared after 8,192 numbers), and few never-marked numbers seem seen even when it is at its fullest.
/// </summary>
public class SeenNumbersTests
{
    [Fact]
    public void A_number_is_seen_on_its_second_mark()
    {
        var filter = new SeenNumbers();
        var random = new Random(8);
        var hashes = Enumerable.Range(0, 8000).Select(_ => random.Next(int.MinValue, int.MaxValue)).Distinct().ToList();
        var first = hashes.Count(filter.MarkSeen);
        Assert.True(first < 40, $"{first} of {hashes.Count} first marks seemed seen");
        Assert.All(hashes, hash => Assert.True(filter.MarkSeen(hash)));
    }

    [Fact]
    public void Few_unmarked_numbers_seem_seen_when_the_filter_is_fullest()
    {
        // One probe per filter: a probe that is not seen is marked too, and the next mark would clear the filter.
        var random = new Random(9);
        var falselySeen = 0;
        for (var trial = 0; trial < 200; trial++)
        {
            var filter = new SeenNumbers();
            var marked = new HashSet<int>();
            while (marked.Count < 8191)
            {
                var hash = random.Next(int.MinValue, int.MaxValue);
                if (marked.Add(hash))
                {
                    filter.MarkSeen(hash);
                }
            }
            int probe;
            do
            {
                probe = random.Next(int.MinValue, int.MaxValue);
            }
            while (marked.Contains(probe));
            falselySeen += filter.MarkSeen(probe) ? 1 : 0;
        }
        // About one in 270 expected; one bit in 64 Kbit gave one in 8 here.
        Assert.True(falselySeen < 6, $"{falselySeen} of 200 unmarked numbers seemed seen");
    }

    [Fact]
    public void The_filter_is_cleared_after_8192_numbers()
    {
        var filter = new SeenNumbers();
        var random = new Random(10);
        var hashes = Enumerable.Range(0, 8250).Select(_ => random.Next(int.MinValue, int.MaxValue)).Distinct().ToList();
        foreach (var hash in hashes)
        {
            filter.MarkSeen(hash);
        }
        Assert.True(hashes.Take(100).Count(filter.MarkSeen) < 5);
    }
}
