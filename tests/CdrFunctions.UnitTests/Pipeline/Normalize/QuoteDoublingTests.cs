using System.Text;
using CdrFunctions.Pipeline.Normalize;

namespace CdrFunctions.Tests.Pipeline.Normalize;

/// <summary><see cref="QuoteDoubling"/> against doubling by string replacement: every place of quotes in a block, every length and offset.</summary>
public class QuoteDoublingTests
{
    [Fact]
    public void Every_mask_of_quotes_in_a_block_is_doubled()
    {
        for (var mask = 0; mask < 1 << 16; mask++)
        {
            var block = Enumerable.Range(0, 16).Select(i => (mask & (1 << i)) != 0 ? (byte)'"' : (byte)('a' + i)).ToArray();
            // Behind a partial block, so blocks also start after a doubled quote.
            AssertDoubled([(byte)'"', .. block, .. block, (byte)'x'], $"mask {mask:X4}");
        }
    }

    [Fact]
    public void Every_length_and_utf8_around_quotes_is_doubled()
    {
        var random = new Random(3);
        byte[][] pieces = ["\""u8.ToArray(), "\"\""u8.ToArray(), "a"u8.ToArray(), ","u8.ToArray(), "ş"u8.ToArray(), "😀"u8.ToArray(), [0xEF, 0xBF, 0xBD], [0x22, 0x80]];
        for (var length = 0; length < 300; length++)
        {
            var bytes = new List<byte>();
            while (bytes.Count < length)
            {
                bytes.AddRange(pieces[random.Next(pieces.Length)]);
            }
            AssertDoubled([.. bytes.Take(length)], $"length {length}");
            AssertDoubled([.. Enumerable.Repeat((byte)'"', length)], $"{length} quotes");
        }
    }

    [Fact]
    public void A_destination_shorter_than_twice_the_source_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => QuoteDoubling.Copy(new byte[10], new byte[19]));
        Assert.Equal(0, QuoteDoubling.Copy([], []));
    }

    private static void AssertDoubled(byte[] source, string what)
    {
        var expected = Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(source).Replace("\"", "\"\"", StringComparison.Ordinal));
        var destination = new byte[2 * source.Length];
        var written = QuoteDoubling.Copy(source, destination);
        Assert.True(expected.AsSpan().SequenceEqual(destination.AsSpan(0, written)), what);
    }
}
