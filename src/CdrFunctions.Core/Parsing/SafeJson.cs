using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace CdrFunctions.Pipeline.Parsing;

/// <summary>
/// Reads vendor JSON text that may hold invalid UTF-8 or lone surrogate escapes (<c>\ud800</c>), where
/// <see cref="JsonElement.GetString"/>, <see cref="JsonProperty.Name"/> and <see cref="JsonElement.WriteTo"/>
/// throw. Clean text (the normal case) takes the framework's path after one vectorized check; dirty text is
/// decoded with U+FFFD in place of each bad byte or surrogate, and the caller is told it was repaired.
/// </summary>
public static class SafeJson
{
    public const char Replacement = '\uFFFD';

    /// <summary>The string value of <paramref name="v"/> (which must be a JSON string).</summary>
    public static string Text(JsonElement v, out bool repaired)
    {
        var raw = JsonMarshal.GetRawUtf8Value(v);
        if (IsClean(raw))
        {
            repaired = false;
            return v.GetString()!;
        }
        repaired = true;
        // The raw value of a string includes its quotes.
        return Unescape(raw.Length >= 2 ? raw[1..^1] : []);
    }

    /// <summary>The name of <paramref name="p"/>.</summary>
    public static string Name(JsonProperty p, out bool repaired)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(p);
        if (IsClean(raw))
        {
            repaired = false;
            return p.Name;
        }
        repaired = true;
        return Unescape(raw);
    }

    /// <summary>
    /// <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/> that does not throw when some property name of
    /// <paramref name="obj"/> holds a lone surrogate escape (the lookup unescapes names to compare them).
    /// </summary>
    public static bool TryGet(JsonElement obj, string name, out JsonElement value)
    {
        value = default;
        if (obj.ValueKind != JsonValueKind.Object)
        {
            return false;
        }
        try
        {
            return obj.TryGetProperty(name, out value);
        }
        catch (InvalidOperationException)
        {
            var found = false;
            foreach (var p in obj.EnumerateObject())
            {
                // Like TryGetProperty, the last of duplicate names wins.
                if (Name(p, out _) == name)
                {
                    value = p.Value;
                    found = true;
                }
            }
            return found;
        }
    }

    /// <summary>The JSON text of <paramref name="v"/> as sent, with bad bytes as U+FFFD: for quarantine entries, never throws.</summary>
    public static string RawText(JsonElement v) => Encoding.UTF8.GetString(JsonMarshal.GetRawUtf8Value(v));

    /// <summary>Writes <paramref name="p"/> to <paramref name="writer"/>, repairing bad text; true when something was repaired.</summary>
    public static bool WriteProperty(JsonProperty p, Utf8JsonWriter writer)
    {
        var name = JsonMarshal.GetRawUtf8PropertyName(p);
        if (IsClean(name) && IsClean(JsonMarshal.GetRawUtf8Value(p.Value)))
        {
            p.WriteTo(writer);
            return false;
        }
        writer.WritePropertyName(Name(p, out _));
        WriteRepaired(p.Value, writer);
        return true;
    }

    /// <summary>Writes <paramref name="v"/>, repairing bad text; true when something was repaired.</summary>
    public static bool WriteValue(JsonElement v, Utf8JsonWriter writer)
    {
        if (IsClean(JsonMarshal.GetRawUtf8Value(v)))
        {
            v.WriteTo(writer);
            return false;
        }
        WriteRepaired(v, writer);
        return true;
    }

    private static void WriteRepaired(JsonElement v, Utf8JsonWriter writer)
    {
        switch (v.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var p in v.EnumerateObject())
                {
                    WriteProperty(p, writer);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in v.EnumerateArray())
                {
                    WriteRepaired(item, writer);
                }
                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(Text(v, out _));
                break;
            default:
                v.WriteTo(writer);
                break;
        }
    }

    /// <summary>Valid UTF-8 and no escaped surrogate that lacks its partner.</summary>
    public static bool IsClean(ReadOnlySpan<byte> raw) =>
        Utf8.IsValid(raw) && (raw.IndexOf("\\u"u8) < 0 || !HasLoneSurrogateEscape(raw));

    private static bool HasLoneSurrogateEscape(ReadOnlySpan<byte> raw)
    {
        var pendingHigh = false;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != (byte)'\\' || i + 1 >= raw.Length)
            {
                if (pendingHigh)
                {
                    return true;
                }
                continue;
            }
            if (raw[i + 1] != (byte)'u')
            {
                if (pendingHigh)
                {
                    return true;
                }
                i++;
                continue;
            }
            if (!TryHex(raw, i + 2, out var unit))
            {
                return true;
            }
            i += 5;
            if (char.IsHighSurrogate((char)unit))
            {
                if (pendingHigh)
                {
                    return true;
                }
                pendingHigh = true;
            }
            else if (char.IsLowSurrogate((char)unit))
            {
                if (!pendingHigh)
                {
                    return true;
                }
                pendingHigh = false;
            }
            else if (pendingHigh)
            {
                return true;
            }
        }
        return pendingHigh;
    }

    /// <summary>Decodes escaped JSON string content leniently: bad UTF-8 and unpaired surrogates become U+FFFD.</summary>
    public static string Unescape(ReadOnlySpan<byte> content)
    {
        var sb = new StringBuilder(content.Length);
        var start = 0;
        for (var i = 0; i < content.Length; i++)
        {
            if (content[i] != (byte)'\\')
            {
                continue;
            }
            AppendUtf8(sb, content[start..i]);
            if (i + 1 >= content.Length)
            {
                sb.Append(Replacement);
                start = content.Length;
                break;
            }
            var e = content[i + 1];
            i++;
            switch (e)
            {
                case (byte)'n': sb.Append('\n'); break;
                case (byte)'r': sb.Append('\r'); break;
                case (byte)'t': sb.Append('\t'); break;
                case (byte)'b': sb.Append('\b'); break;
                case (byte)'f': sb.Append('\f'); break;
                case (byte)'u' when TryHex(content, i + 1, out var unit):
                    i += 4;
                    var c = (char)unit;
                    if (char.IsHighSurrogate(c) && i + 2 < content.Length && content[i + 1] == (byte)'\\' && content[i + 2] == (byte)'u'
                        && TryHex(content, i + 3, out var low) && char.IsLowSurrogate((char)low))
                    {
                        sb.Append(c).Append((char)low);
                        i += 6;
                    }
                    else
                    {
                        sb.Append(char.IsSurrogate(c) ? Replacement : c);
                    }
                    break;
                case (byte)'u':
                    sb.Append(Replacement);
                    break;
                default:
                    sb.Append((char)e);
                    break;
            }
            start = i + 1;
        }
        if (start < content.Length)
        {
            AppendUtf8(sb, content[start..]);
        }
        return sb.ToString();
    }

    private static void AppendUtf8(StringBuilder sb, ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }
        var chars = ArrayPool<char>.Shared.Rent(bytes.Length);
        try
        {
            // Encoding.UTF8 replaces each invalid sequence with U+FFFD instead of throwing.
            var n = Encoding.UTF8.GetChars(bytes, chars);
            sb.Append(chars, 0, n);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private static bool TryHex(ReadOnlySpan<byte> s, int at, out int value)
    {
        value = 0;
        if (at + 4 > s.Length)
        {
            return false;
        }
        for (var k = at; k < at + 4; k++)
        {
            var digit = HexDigit(s[k]);
            if (digit < 0)
            {
                return false;
            }
            value = (value << 4) | digit;
        }
        return true;
    }

    private static int HexDigit(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
