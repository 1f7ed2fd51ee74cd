namespace CdrFunctions.Pipeline.Phones;

/// <summary>
/// Which numbers were seen before, approximately: one bit per hash of the number, all cleared once an eighth
/// of them are set. A false "seen" (two numbers sharing a bit) only lets a number into the cache early.
/// </summary>
internal sealed class SeenNumbers
{
    private const int Bits = 1 << 16;

    private readonly ulong[] _words = new ulong[Bits / 64];
    private int _marked;

    /// <summary>Marks the number of <paramref name="hash"/> (its string's hash code); whether it was marked already.</summary>
    public bool MarkSeen(int hash)
    {
        var bit = (uint)hash % Bits;
        ref var word = ref _words[bit / 64];
        var mask = 1UL << (int)(bit % 64);
        if ((word & mask) != 0)
        {
            return true;
        }
        word |= mask;
        if (++_marked > Bits / 8)
        {
            Array.Clear(_words);
            _marked = 0;
        }
        return false;
    }
}

/// <summary>
/// Which numbers may be in a normalizer's cache: one bit per hash (other bits of it than <see cref="SeenNumbers"/>
/// uses), never cleared, as the cache only grows. No bit means certainly not cached; a set bit means look.
/// </summary>
internal sealed class CachedNumbers
{
    private const int BitCount = 17;
    private const int Bits = 1 << BitCount;

    private readonly ulong[] _words = new ulong[Bits / 64];

    public void Mark(int hash)
    {
        var bit = Bit(hash);
        _words[bit / 64] |= 1UL << (int)(bit % 64);
    }

    public bool MayContain(int hash)
    {
        var bit = Bit(hash);
        return (_words[bit / 64] & (1UL << (int)(bit % 64))) != 0;
    }

    // The hash's top bits: SeenNumbers takes its bottom ones.
    private static uint Bit(int hash) => (uint)hash >> (32 - BitCount);
}
