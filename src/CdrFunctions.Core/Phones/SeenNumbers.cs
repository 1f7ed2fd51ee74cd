namespace CdrFunctions.Pipeline.Phones;

/// <summary>
/// Which numbers were seen before, approximately: two bits per number (from its hash), all cleared once 8,192
/// numbers have been marked. A false "seen" only lets a number into the cache early, but each costs a string and
/// a cache entry: with one bit in 64 Kbit, one never-seen caller in 16 was cached (7% of an Engage Voice parse,
/// whose callers never repeat); two bits in 256 Kbit (32 KB instead of 8) make it fewer than one in 250.
/// </summary>
internal sealed class SeenNumbers
{
    private const int BitCount = 18;
    private const int Bits = 1 << BitCount;
    private const int MaxMarked = 8192;

    private readonly ulong[] _words = new ulong[Bits / 64];
    private int _marked;

    /// <summary>Marks the number of <paramref name="hash"/> (its string's hash code); whether it was marked already.</summary>
    public bool MarkSeen(int hash)
    {
        // The low bits, and the top bits of the hash times a golden-ratio constant (which depend on all of them).
        var first = (uint)hash % Bits;
        var second = ((uint)hash * 0x9E3779B1u) >> (32 - BitCount);
        var seen = IsSet(first) & IsSet(second);
        if (seen)
        {
            return true;
        }
        Set(first);
        Set(second);
        if (++_marked > MaxMarked)
        {
            Array.Clear(_words);
            _marked = 0;
        }
        return false;
    }

    private bool IsSet(uint bit) => (_words[bit / 64] & (1UL << (int)(bit % 64))) != 0;

    private void Set(uint bit) => _words[bit / 64] |= 1UL << (int)(bit % 64);
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
