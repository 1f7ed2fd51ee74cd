using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace CdrFunctions.Pipeline.Parsing;

/// <summary>String operations parsers need on UTF-8 field values, with the semantics of their <see cref="string"/> twins.</summary>
public static class Utf8Text
{
    /// <summary>
    /// <see cref="string.Trim()"/> on UTF-8: leading and trailing white space as <see cref="char.IsWhiteSpace(char)"/>
    /// defines it (no white space lies outside the BMP). Stops at a byte that is not valid UTF-8.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> utf8) =>
        // Most fields start and end with a printable ASCII character other than space: nothing to trim, and no
        // call (parsers trim every field of every record).
        utf8.IsEmpty || (IsPrintableAscii(utf8[0]) && IsPrintableAscii(utf8[^1])) ? utf8 : TrimEnds(utf8);

    private static ReadOnlySpan<byte> TrimEnds(ReadOnlySpan<byte> utf8)
    {
        var start = 0;
        while (start < utf8.Length)
        {
            var b = utf8[start];
            if (b < 0x80)
            {
                if (!char.IsWhiteSpace((char)b))
                {
                    break;
                }
                start++;
            }
            else if (Rune.DecodeFromUtf8(utf8[start..], out var rune, out var length) == OperationStatus.Done && Rune.IsWhiteSpace(rune))
            {
                start += length;
            }
            else
            {
                break;
            }
        }
        var end = utf8.Length;
        while (end > start)
        {
            var b = utf8[end - 1];
            if (b < 0x80)
            {
                if (!char.IsWhiteSpace((char)b))
                {
                    break;
                }
                end--;
            }
            else if (Rune.DecodeLastFromUtf8(utf8[start..end], out var rune, out var length) == OperationStatus.Done && Rune.IsWhiteSpace(rune))
            {
                end -= length;
            }
            else
            {
                break;
            }
        }
        return utf8[start..end];
    }

    private static bool IsPrintableAscii(byte b) => (uint)(b - 0x21) < 0x7F - 0x21;

    /// <summary>The string of valid UTF-8 <paramref name="utf8"/>.</summary>
    public static string Decode(ReadOnlySpan<byte> utf8) => utf8.IsEmpty ? "" : Encoding.UTF8.GetString(utf8);
}
