using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CdrFunctions.Simulators.Alotech;

/// <summary>Where a paged listing stands: its filters and how many records were already served.</summary>
internal sealed record AlotechCursor(string StartDate, string FinishDate, bool Ascending, int Offset);

/// <summary>
/// Opaque cursors: base64url of "v1|start|finish|sorting|offset" plus a truncated HMAC-SHA256. The key comes
/// from the seed, so two simulators with the same seed serve identical cursors, while an edited cursor or
/// one from another seed is rejected.
/// </summary>
internal sealed class AlotechCursorCodec(long seed)
{
    private const string Version = "v1";
    private const int MacLength = 16;
    private const int MaxEncodedLength = 512;

    private readonly byte[] _key = SHA256.HashData(Encoding.UTF8.GetBytes(
        string.Create(CultureInfo.InvariantCulture, $"cdrfunctions-alotech-simulator-cursor:{seed}")));

    public string Encode(AlotechCursor cursor)
    {
        var payload = Encoding.UTF8.GetBytes(string.Join(
            '|',
            Version,
            cursor.StartDate,
            cursor.FinishDate,
            cursor.Ascending ? "asc" : "desc",
            cursor.Offset.ToString(CultureInfo.InvariantCulture)));
        var token = new byte[payload.Length + MacLength];
        payload.CopyTo(token, 0);
        HMACSHA256.HashData(_key, payload).AsSpan(0, MacLength).CopyTo(token.AsSpan(payload.Length));
        return Base64Url.EncodeToString(token);
    }

    public bool TryDecode(string text, [NotNullWhen(true)] out AlotechCursor? cursor)
    {
        cursor = null;
        if (text.Length is 0 or > MaxEncodedLength)
        {
            return false;
        }

        byte[] token;
        try
        {
            // TryDecodeFromChars throws on illegal characters too, so catching is unavoidable.
            token = Base64Url.DecodeFromChars(text);
        }
        catch (FormatException)
        {
            return false;
        }

        var written = token.Length;
        if (written <= MacLength)
        {
            return false;
        }

        var payload = token.AsSpan(0, written - MacLength);
        var expected = HMACSHA256.HashData(_key, payload).AsSpan(0, MacLength);
        if (!CryptographicOperations.FixedTimeEquals(expected, token.AsSpan(written - MacLength, MacLength)))
        {
            return false;
        }

        var parts = Encoding.UTF8.GetString(payload).Split('|');
        if (parts.Length != 5
            || parts[0] != Version
            || parts[3] is not ("asc" or "desc")
            || !int.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            return false;
        }

        cursor = new AlotechCursor(parts[1], parts[2], parts[3] == "asc", offset);
        return true;
    }
}
