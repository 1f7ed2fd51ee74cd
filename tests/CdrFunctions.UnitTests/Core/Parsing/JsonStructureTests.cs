using System.Text;
using CdrFunctions.Pipeline.Parsing;
using CdrFunctions.Tests.Core.Parsing.Reference;
using CdrFunctions.Tests.Robustness;

namespace CdrFunctions.Tests.Core.Parsing;

/// <summary>
/// JsonStructure, which finds where a page ends 64 bytes at a time, against the IndexOfAny scan it replaced:
/// the same length or the same null for any bytes, valid JSON or not, cut anywhere.
/// </summary>
public class JsonStructureTests
{
    private static readonly byte[] Page = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Payloads", "Alotech", "page-example.json"));

    [Fact]
    public void Random_bytes_of_brackets_quotes_and_backslashes_end_where_they_did()
    {
        // Mostly the bytes the scan looks at, so strings, escapes and nesting cross the 64-byte blocks every way.
        var alphabet = "\"\"{}[]\\\\ax \n"u8.ToArray();
        var random = new Random(14);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[1 + random.Next(300)];
            for (var j = 0; j < bytes.Length; j++)
            {
                bytes[j] = random.Next(8) == 0 ? (byte)random.Next(256) : alphabet[random.Next(alphabet.Length)];
            }
            bytes[0] = random.Next(2) == 0 ? (byte)'{' : (byte)'[';
            AssertSame(bytes, $"input {i}");
        }
    }

    [Fact]
    public void Pages_and_their_mutations_end_where_they_did_from_every_bracket()
    {
        var window = Encoding.UTF8.GetBytes("[" + string.Join(",\n", Enumerable.Repeat(Encoding.UTF8.GetString(Page), 5)) + "]");
        var escaped = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(window).Replace("\"queue\": \"", "\"queue\": \"\\\\ \\\" }]{[ ", StringComparison.Ordinal));
        var mutator = new Mutator(14, json: true);
        byte[][] inputs = [window, escaped, .. Enumerable.Range(0, 200).Select(i => mutator.Mutate(i % 2 == 0 ? window : escaped))];
        foreach (var (input, n) in inputs.Select((input, n) => (input, n)))
        {
            for (var at = 0; at < input.Length; at++)
            {
                if (input[at] is (byte)'{' or (byte)'[')
                {
                    AssertSame(input.AsSpan(at), $"input {n}, from byte {at}");
                }
            }
        }
    }

    [Fact]
    public void A_value_cut_anywhere_is_unfinished_as_before()
    {
        var escaped = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Page).Replace("\"agent\": \"", "\"agent\": \"\\\\\\\"{", StringComparison.Ordinal));
        foreach (var input in new[] { Page, escaped })
        {
            for (var length = 1; length <= input.Length; length++)
            {
                AssertSame(input.AsSpan(0, length), $"cut at {length}");
            }
        }
    }

    [Fact]
    public void Both_vector_widths_find_the_same_bytes()
    {
        var random = new Random(7);
        var block = new byte[64];
        for (var i = 0; i < 5_000; i++)
        {
            random.NextBytes(block);
            for (var j = 0; j < block.Length; j++)
            {
                if (random.Next(2) == 0)
                {
                    block[j] = "\"\\{}[]{}"u8[random.Next(8)];
                }
            }
            var expected = new JsonStructure.Masks(Bits(block, b => b == '"'), Bits(block, b => b == '\\'), Bits(block, b => b is (byte)'{' or (byte)'['), Bits(block, b => b is (byte)'}' or (byte)']'));
            Assert.Equal(expected, JsonStructure.Masks.Of256(ref block[0]));
            Assert.Equal(expected, JsonStructure.Masks.Of128(ref block[0]));
        }
    }

    private static ulong Bits(byte[] block, Func<byte, bool> match)
    {
        ulong bits = 0;
        for (var i = 0; i < block.Length; i++)
        {
            bits |= match(block[i]) ? 1UL << i : 0;
        }
        return bits;
    }

    private static void AssertSame(ReadOnlySpan<byte> value, string what)
    {
        var expected = IndexOfAnyStructure.Length(value);
        var actual = JsonStructure.Length(value);
        Assert.True(expected == actual, $"{what}: {expected} before, {actual} now (empty: none): {Encoding.UTF8.GetString(value[..Math.Min(value.Length, 300)])}");
    }
}
