using System.Globalization;
using CdrFunctions.Simulators.Common;

namespace CdrFunctions.Simulators.Alotech;

/// <summary>
/// Call keys are all digits: minute slot (9), index in the slot (2), check digits (4). The slot and index
/// make a key resolvable without storing anything; the check digits make guessed keys miss.
/// </summary>
internal static class AlotechKeys
{
    public const int PrefixLength = 15;
    public const long MaxSlot = 999_999_999;
    public const int MaxCallsPerSlot = 99;

    public static string Format(long seed, long slot, int index)
    {
        var check = StableHash.Of(seed, slot, index, Salts.KeyCheck) % 10_000;
        return string.Create(CultureInfo.InvariantCulture, $"{slot:D9}{index:D2}{check:D4}");
    }

    /// <summary>Reads slot and index from the key's digit prefix (longer unusual keys share the prefix).</summary>
    public static bool TryParse(string key, out long slot, out int index)
    {
        slot = 0;
        index = 0;
        if (key.Length < PrefixLength || key.AsSpan(0, PrefixLength).ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        slot = long.Parse(key.AsSpan(0, 9), NumberStyles.None, CultureInfo.InvariantCulture);
        index = int.Parse(key.AsSpan(9, 2), NumberStyles.None, CultureInfo.InvariantCulture);
        return true;
    }
}

/// <summary>Distinct hash salts so independent streams (counts, fields, extras...) never correlate.</summary>
internal static class Salts
{
    public const long SlotCount = 0x5107C0;
    public const long SlotOffsets = 0x5107FF;
    public const long Fields = 0xF1E1D5;
    public const long Extras = 0xE47A5;
    public const long KeyCheck = 0xC4EC;
}
