using System.Security.Cryptography;
using System.Text;

namespace CdrFunctions.Pipeline.Security;

/// <summary>
/// Compares a presented secret (an API key, a webhook secret) with the expected one without telling an attacker
/// anything through timing: both sides are hashed to 32 bytes first, so neither the expected length nor the
/// position of the first wrong character changes how long the fixed-time comparison takes.
/// </summary>
public static class SecretComparison
{
    public static bool Matches(string? presented, string? expected)
    {
        if (string.IsNullOrEmpty(expected))
        {
            return false;
        }
        // Hash even an absent key, so that "no key" costs the same as "a wrong key".
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(presented ?? ""));
        var wanted = SHA256.HashData(Encoding.UTF8.GetBytes(expected));
        return CryptographicOperations.FixedTimeEquals(given, wanted) && presented is not null;
    }
}
