using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CdrFunctions.Pipeline.Normalize;

/// <summary>
/// Copies UTF-8 doubling every quote, as a quoted CSV field holds it. The extras JSON of every curated row has a quote
/// every few bytes, so a search per quote costs more than the copy: sixteen bytes at a time are copied by two shuffles
/// chosen by where their quotes are.
/// </summary>
internal static class QuoteDoubling
{
    private const byte Quote = (byte)'"';

    // For each mask of quotes among 8 bytes: which source byte each of up to 16 destination bytes takes.
    private static readonly Vector128<byte>[] Shuffles = [.. Enumerable.Range(0, 256).Select(Shuffle)];

    /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/> (at least twice as long) with each quote doubled; returns the bytes written.</summary>
    public static int Copy(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, 2 * source.Length);
        int read = 0, written = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            ref var from = ref MemoryMarshal.GetReference(source);
            ref var to = ref MemoryMarshal.GetReference(destination);
            // Each store writes 16 bytes at or before twice what has been read, so stays inside the destination.
            for (; read <= source.Length - 16; read += 16)
            {
                var block = Vector128.LoadUnsafe(ref from, (nuint)read);
                var quotes = Vector128.Equals(block, Vector128.Create(Quote)).ExtractMostSignificantBits();
                if (quotes == 0)
                {
                    block.StoreUnsafe(ref to, (nuint)written);
                    written += 16;
                    continue;
                }
                var low = quotes & 0xFF;
                var high = quotes >> 8;
                Vector128.ShuffleNative(block, Shuffles[low]).StoreUnsafe(ref to, (nuint)written);
                written += 8 + BitOperations.PopCount(low);
                Vector128.ShuffleNative(block, Shuffles[high] + Vector128.Create((byte)8)).StoreUnsafe(ref to, (nuint)written);
                written += 8 + BitOperations.PopCount(high);
            }
        }
        for (; read < source.Length; read++)
        {
            var b = source[read];
            destination[written++] = b;
            if (b == Quote)
            {
                destination[written++] = b;
            }
        }
        return written;
    }

    private static Vector128<byte> Shuffle(int quotes)
    {
        Span<byte> indices = stackalloc byte[16];
        var at = 0;
        for (byte i = 0; i < 8; i++)
        {
            indices[at++] = i;
            if ((quotes & (1 << i)) != 0)
            {
                indices[at++] = i;
            }
        }
        return Vector128.Create((ReadOnlySpan<byte>)indices);
    }
}
