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

    /// <summary>Marks <paramref name="number"/>; whether it was marked already.</summary>
    public bool MarkSeen(ReadOnlySpan<char> number)
    {
        // The span's hash is its string's: a number marked from either form is the same bit.
        var bit = (uint)string.GetHashCode(number) % Bits;
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
