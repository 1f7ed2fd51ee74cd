using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CdrFunctions.Pipeline.Parsing;

/// <summary>
/// Finds where a JSON object or array ends by its brackets outside strings, 64 bytes at a time: the quotes,
/// brackets and backslashes of a block become bit masks, the bytes inside strings are the prefix XOR of the
/// quotes, and only the brackets outside them are counted. A block holding a backslash (rare in vendor data) is
/// read a byte at a time, as is the tail. One <c>IndexOfAny</c> per string before (two per name and per text
/// value) took a third of mapping a landed window of paged JSON.
/// </summary>
internal static class JsonStructure
{
    private const int Block = 64;

    /// <summary>
    /// The length of the object or array <paramref name="value"/> starts with; null when it does not end within
    /// the span. Exact for valid JSON; the reader validates what it maps. Inside a string a backslash escapes
    /// the next byte, outside one it is ignored.
    /// </summary>
    public static int? Length(ReadOnlySpan<byte> value)
    {
        var depth = 0;
        var inString = false;
        var escaped = false;
        var at = 0;
        ref var start = ref MemoryMarshal.GetReference(value);
        for (; at + Block <= value.Length; at += Block)
        {
            var masks = Masks.Of(ref Unsafe.Add(ref start, at));
            if (masks.Backslash != 0 || escaped)
            {
                if (Bytes(value.Slice(at, Block), ref depth, ref inString, ref escaped) is { } end)
                {
                    return at + end;
                }
                continue;
            }
            // Bit i of `inside` is set from an opening quote up to (not including) its closing one.
            var inside = PrefixXor(masks.Quote) ^ (inString ? ulong.MaxValue : 0);
            inString = (inside >> 63) != 0;
            var brackets = (masks.Open | masks.Close) & ~inside;
            while (brackets != 0)
            {
                var bit = BitOperations.TrailingZeroCount(brackets);
                depth += ((masks.Open >> bit) & 1) != 0 ? 1 : -1;
                if (depth == 0)
                {
                    return at + bit + 1;
                }
                brackets &= brackets - 1;
            }
        }
        return Bytes(value[at..], ref depth, ref inString, ref escaped) is { } tail ? at + tail : null;
    }

    /// <summary>The same state machine a byte at a time: the end's offset within <paramref name="bytes"/>, if it is there.</summary>
    private static int? Bytes(ReadOnlySpan<byte> bytes, ref int depth, ref bool inString, ref bool escaped)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            if (inString)
            {
                if (escaped)
                {
                    escaped = false;
                }
                else if (b == (byte)'\\')
                {
                    escaped = true;
                }
                else if (b == (byte)'"')
                {
                    inString = false;
                }
            }
            else if (b == (byte)'"')
            {
                inString = true;
            }
            else if (b is (byte)'{' or (byte)'[')
            {
                depth++;
            }
            else if (b is (byte)'}' or (byte)']' && --depth == 0)
            {
                return i + 1;
            }
        }
        return null;
    }

    /// <summary>Bit i set when an odd number of bits 0..i of <paramref name="x"/> are set.</summary>
    private static ulong PrefixXor(ulong x)
    {
        x ^= x << 1;
        x ^= x << 2;
        x ^= x << 4;
        x ^= x << 8;
        x ^= x << 16;
        x ^= x << 32;
        return x;
    }

    /// <summary>The block's quotes, backslashes, opening and closing brackets as bit masks (bit i for byte i).</summary>
    internal readonly record struct Masks(ulong Quote, ulong Backslash, ulong Open, ulong Close)
    {
        public static Masks Of(ref byte block) => Vector256.IsHardwareAccelerated ? Of256(ref block) : Of128(ref block);

        internal static Masks Of256(ref byte block)
        {
            var low = Vector256.LoadUnsafe(ref block);
            var high = Vector256.LoadUnsafe(ref Unsafe.Add(ref block, 32));
            // '{' and '[' differ only in bit 0x20, as do '}' and ']': one compare each for both.
            var caseLow = low | Vector256.Create((byte)0x20);
            var caseHigh = high | Vector256.Create((byte)0x20);
            return new(
                Bits(Vector256.Equals(low, Vector256.Create((byte)'"')), Vector256.Equals(high, Vector256.Create((byte)'"'))),
                Bits(Vector256.Equals(low, Vector256.Create((byte)'\\')), Vector256.Equals(high, Vector256.Create((byte)'\\'))),
                Bits(Vector256.Equals(caseLow, Vector256.Create((byte)'{')), Vector256.Equals(caseHigh, Vector256.Create((byte)'{'))),
                Bits(Vector256.Equals(caseLow, Vector256.Create((byte)'}')), Vector256.Equals(caseHigh, Vector256.Create((byte)'}'))));
        }

        internal static Masks Of128(ref byte block)
        {
            ulong quote = 0, backslash = 0, open = 0, close = 0;
            for (var i = 0; i < 4; i++)
            {
                var v = Vector128.LoadUnsafe(ref Unsafe.Add(ref block, 16 * i));
                var folded = v | Vector128.Create((byte)0x20);
                quote |= (ulong)Vector128.Equals(v, Vector128.Create((byte)'"')).ExtractMostSignificantBits() << (16 * i);
                backslash |= (ulong)Vector128.Equals(v, Vector128.Create((byte)'\\')).ExtractMostSignificantBits() << (16 * i);
                open |= (ulong)Vector128.Equals(folded, Vector128.Create((byte)'{')).ExtractMostSignificantBits() << (16 * i);
                close |= (ulong)Vector128.Equals(folded, Vector128.Create((byte)'}')).ExtractMostSignificantBits() << (16 * i);
            }
            return new(quote, backslash, open, close);
        }

        private static ulong Bits(Vector256<byte> low, Vector256<byte> high) =>
            low.ExtractMostSignificantBits() | (ulong)high.ExtractMostSignificantBits() << 32;
    }
}
