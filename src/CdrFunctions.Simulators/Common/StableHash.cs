namespace CdrFunctions.Simulators.Common;

/// <summary>
/// Platform-independent 64-bit hashing (SplitMix64 finaliser). string.GetHashCode and System.Random
/// are not guaranteed stable across processes or runtimes, and simulated data must be reproducible.
/// </summary>
internal static class StableHash
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    public static ulong Mix(ulong value)
    {
        var z = value + Golden;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Hash of a seed and an ordered list of parts; order matters.</summary>
    public static ulong Of(long seed, params ReadOnlySpan<long> parts)
    {
        var hash = Mix((ulong)seed);
        foreach (var part in parts)
        {
            hash = Mix(hash ^ Mix((ulong)part));
        }

        return hash;
    }

    /// <summary>Maps a hash to a uniform double in [0, 1).</summary>
    public static double ToUnit(ulong hash) => (hash >> 11) * (1.0 / (1UL << 53));
}
