using CdrFunctions.Simulators.Common;

namespace CdrFunctions.Simulators.Alotech;

/// <summary>Turkish customer numbers in the mixed formats a real tenant's CDRs contain.</summary>
internal static class AlotechPhoneNumbers
{
    public const string Anonymous = "anonymous";

    private static readonly string[] MobilePrefixes = ["530", "532", "533", "535", "538", "541", "542", "545", "505", "506", "552", "555"];
    private static readonly string[] AreaCodes = ["212", "216", "312", "232", "224", "242"];

    /// <summary>A 10-digit national significant number, mobile or landline.</summary>
    public static string NationalNumber(StableRandom random)
    {
        var prefix = random.Chance(0.7) ? random.Pick(MobilePrefixes) : random.Pick(AreaCodes);
        return prefix + random.Digits(7);
    }

    /// <summary>Formats like 05321234567, 905321234567, +905321234567, 0212 555 12 34, or anonymous.</summary>
    public static string Format(StableRandom random, string nationalNumber, bool allowAnonymous)
    {
        var roll = random.NextDouble();
        if (allowAnonymous && roll < 0.03)
        {
            return Anonymous;
        }

        return roll switch
        {
            < 0.38 => "0" + nationalNumber,
            < 0.63 => "90" + nationalNumber,
            < 0.88 => "+90" + nationalNumber,
            _ => $"0{nationalNumber[..3]} {nationalNumber[3..6]} {nationalNumber[6..8]} {nationalNumber[8..]}",
        };
    }
}
