namespace CdrFunctions.Simulators.Common;

/// <summary>
/// Small SplitMix64 generator: the same seed gives the same sequence on every platform and runtime,
/// unlike System.Random whose algorithm is an implementation detail.
/// </summary>
internal sealed class StableRandom(ulong seed)
{
    private ulong _state = seed;

    public ulong NextUInt64()
    {
        var value = StableHash.Mix(_state);
        _state += 0x9E3779B97F4A7C15UL;
        return value;
    }

    /// <summary>Uniform double in [0, 1).</summary>
    public double NextDouble() => StableHash.ToUnit(NextUInt64());

    /// <summary>Uniform integer in [0, maxExclusive).</summary>
    public int Next(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        // Multiply-high maps 64 random bits onto the range without a modulo loop.
        return (int)Math.BigMul(NextUInt64(), (ulong)maxExclusive, out _);
    }

    /// <summary>Uniform integer in [minInclusive, maxExclusive).</summary>
    public int Next(int minInclusive, int maxExclusive) => minInclusive + Next(maxExclusive - minInclusive);

    public bool Chance(double probability) => NextDouble() < probability;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>Lower-case hexadecimal string of the given length.</summary>
    public string Hex(int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = "0123456789abcdef"[Next(16)];
        }

        return new string(chars);
    }

    /// <summary>Decimal digits of the given length (leading zeros allowed).</summary>
    public string Digits(int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = (char)('0' + Next(10));
        }

        return new string(chars);
    }
}
