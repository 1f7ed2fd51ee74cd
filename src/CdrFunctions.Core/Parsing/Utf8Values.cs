using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using CdrFunctions.Pipeline.Time;

namespace CdrFunctions.Pipeline.Parsing;

/// <summary>
/// <see cref="JsonValues"/> and <see cref="SafeJson"/> for a <see cref="Utf8JsonReader"/> standing on a value:
/// the same tolerant reads, repairs and error texts, without a DOM. Also copies values into a writer (a
/// record's extras) exactly as <see cref="SafeJson.WriteProperty"/> writes them.
/// </summary>
public static class Utf8Values
{
    private const int StackChars = 64;

    /// <summary>The string the reader stands on; invalid UTF-8 or a lone surrogate becomes U+FFFD and sets <paramref name="repaired"/>.</summary>
    public static string Decode(ref Utf8JsonReader v, out bool repaired)
    {
        var raw = v.ValueSpan;
        // Unescaped text holds no backslash, so it is clean exactly when it is valid UTF-8.
        if (v.ValueIsEscaped ? SafeJson.IsClean(raw) : Utf8.IsValid(raw))
        {
            repaired = false;
            return v.ValueIsEscaped ? v.GetString()! : Encoding.UTF8.GetString(raw);
        }
        repaired = true;
        return SafeJson.Unescape(raw);
    }

    /// <summary>Longest text looked up in a <see cref="RepeatedText"/> (decoded on the stack); longer ones are made as usual.</summary>
    private const int RepeatedChars = 256;

    /// <summary>Text of a string or number, as <see cref="JsonValues.Text"/>; clean strings are shared through <paramref name="repeated"/>.</summary>
    public static string? Text(ref Utf8JsonReader v, string field, out string? text, RecordWarnings? warnings, RepeatedText repeated)
    {
        var raw = v.ValueSpan;
        if (v.TokenType != JsonTokenType.String || v.ValueIsEscaped || raw.Length > RepeatedChars || !Utf8.IsValid(raw))
        {
            return Text(ref v, field, out text, warnings);
        }
        // Clean UTF-8 decodes to at most as many chars as it has bytes; trimmed as string.Trim() would.
        Span<char> chars = stackalloc char[RepeatedChars];
        var trimmed = chars[..Encoding.UTF8.GetChars(raw, chars)].Trim();
        text = trimmed.IsEmpty ? null : repeated.Get(trimmed);
        return null;
    }

    /// <summary>Text of a string or number, as <see cref="JsonValues.Text"/>.</summary>
    public static string? Text(ref Utf8JsonReader v, string field, out string? text, RecordWarnings? warnings = null)
    {
        switch (v.TokenType)
        {
            case JsonTokenType.String:
                var s = Decode(ref v, out var repaired).Trim();
                text = s.Length == 0 ? null : s;
                if (repaired)
                {
                    if (warnings is null)
                    {
                        text = null;
                        return $"field '{field}' holds invalid UTF-8 or a lone surrogate";
                    }
                    warnings.Repaired(field);
                }
                return null;
            case JsonTokenType.Number:
                text = Encoding.UTF8.GetString(v.ValueSpan);
                return null;
            case JsonTokenType.Null:
                text = null;
                return null;
            default:
                text = null;
                return WrongType(field, v.TokenType, "text");
        }
    }

    /// <summary>As <see cref="JsonValues.Bool"/>.</summary>
    public static string? Bool(ref Utf8JsonReader v, string field, out bool? value)
    {
        value = null;
        switch (v.TokenType)
        {
            case JsonTokenType.True:
                value = true;
                return null;
            case JsonTokenType.False:
                value = false;
                return null;
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.Number when v.TryGetInt64(out var n) && n is 0 or 1:
                value = n == 1;
                return null;
            case JsonTokenType.String:
                var s = Decode(ref v, out _).Trim();
                if (s.Length == 0)
                {
                    return null;
                }
                if (s is "1" || s.Equals("true", StringComparison.OrdinalIgnoreCase))
                {
                    value = true;
                    return null;
                }
                if (s is "0" || s.Equals("false", StringComparison.OrdinalIgnoreCase))
                {
                    value = false;
                    return null;
                }
                return $"field '{field}' is \"{JsonValues.Clip(s)}\", expected true or false";
            default:
                return WrongType(field, v.TokenType, "true or false");
        }
    }

    /// <summary>As <see cref="JsonValues.Count"/>: whole non-negative seconds or counts; decimals are rounded.</summary>
    public static string? Count(ref Utf8JsonReader v, string field, out int? value)
    {
        value = null;
        double d;
        switch (v.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.Number:
                d = v.TryGetInt32(out var i) ? i : v.GetDouble();
                break;
            case JsonTokenType.String:
                var s = Decode(ref v, out _).Trim();
                if (s.Length == 0)
                {
                    return null;
                }
                if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out d))
                {
                    return $"field '{field}' is \"{JsonValues.Clip(s)}\", expected a number";
                }
                break;
            case JsonTokenType.True:
            case JsonTokenType.False:
                // Some exports send a flag where a count is documented (e.g. "transferred": true).
                value = v.TokenType == JsonTokenType.True ? 1 : 0;
                return null;
            default:
                return WrongType(field, v.TokenType, "a number");
        }
        if (d < 0 || d > int.MaxValue || double.IsNaN(d))
        {
            return string.Create(CultureInfo.InvariantCulture, $"field '{field}' is {d}, expected a non-negative number");
        }
        value = (int)Math.Round(d, MidpointRounding.AwayFromZero);
        return null;
    }

    /// <summary>As <see cref="JsonValues.Duration"/>.</summary>
    public static string? Duration(ref Utf8JsonReader v, string field, out int? seconds, RecordWarnings? warnings)
    {
        if (Count(ref v, field, out seconds) is { } error)
        {
            return error;
        }
        if (seconds is { } s && CallTimes.DurationOutOfRange(field, s) is { } range)
        {
            seconds = null;
            if (warnings is null)
            {
                return range;
            }
            warnings.Add(range + "; left unknown");
        }
        return null;
    }

    /// <summary>As <see cref="JsonValues.LocalTime"/>; the usual unescaped ASCII time is read without allocating.</summary>
    public static string? LocalTime(ref Utf8JsonReader v, string field, VendorClock clock, out DateTimeOffset? utc, RecordWarnings? warnings = null)
    {
        utc = null;
        if (v.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        if (v.TokenType != JsonTokenType.String)
        {
            return WrongType(field, v.TokenType, "a time like 2025-11-22 13:43:18");
        }
        Span<char> buffer = stackalloc char[StackChars];
        var raw = v.ValueSpan;
        ReadOnlySpan<char> s = !v.ValueIsEscaped && raw.Length <= StackChars && Utf8.IsValid(raw)
            ? buffer[..Encoding.UTF8.GetChars(raw, buffer)]
            : Decode(ref v, out _);
        if (!LocalTimes.TryParseIsoLike(s, out var local, out var empty))
        {
            return $"field '{field}' is \"{JsonValues.Clip(s.ToString())}\", expected a time like 2025-11-22 13:43:18";
        }
        if (empty || CallTimes.IsZeroDate(local))
        {
            return null;
        }
        if (!CallTimes.TryToUtc(clock, local, out var converted))
        {
            var range = CallTimes.OutOfRange(field, local)!;
            if (warnings is null)
            {
                return range;
            }
            warnings.Add(range + "; left unknown");
            return null;
        }
        utc = converted;
        return null;
    }

    /// <summary>
    /// True when the property name the reader stands on is <paramref name="utf8Name"/> (escaped names unescaped,
    /// as <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/> compares them); never throws.
    /// </summary>
    public static bool NameIs(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8Name)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan.SequenceEqual(utf8Name);
        }
        return SafeJson.IsClean(reader.ValueSpan) && reader.ValueTextEquals(utf8Name);
    }

    /// <summary>The clean name the reader stands on as UTF-8, unescaped into <paramref name="buffer"/> when needed and it fits.</summary>
    public static ReadOnlySpan<byte> CleanName(in Utf8JsonReader reader, Span<byte> buffer)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan;
        }
        // Unescaping never lengthens a name.
        return reader.ValueSpan.Length <= buffer.Length ? buffer[..reader.CopyString(buffer)] : Encoding.UTF8.GetBytes(reader.GetString()!);
    }

    /// <summary>
    /// Writes the value the reader stands on (nested ones whole) to <paramref name="writer"/> as
    /// <see cref="JsonElement.WriteTo"/> would, with bad text repaired as <see cref="SafeJson.WriteValue"/> does;
    /// the reader ends on the value's last token. True when something was repaired.
    /// </summary>
    public static bool CopyValue(ref Utf8JsonReader reader, Utf8JsonWriter writer)
    {
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return WriteScalar(ref reader, writer);
        }
        var repaired = false;
        var depth = reader.CurrentDepth;
        do
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    writer.WriteStartObject();
                    break;
                case JsonTokenType.EndObject:
                    writer.WriteEndObject();
                    break;
                case JsonTokenType.StartArray:
                    writer.WriteStartArray();
                    break;
                case JsonTokenType.EndArray:
                    writer.WriteEndArray();
                    break;
                case JsonTokenType.PropertyName:
                    repaired |= WriteName(ref reader, writer);
                    break;
                default:
                    repaired |= WriteScalar(ref reader, writer);
                    break;
            }
        }
        while (!(reader.CurrentDepth == depth && reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray) && reader.Read());
        return repaired;
    }

    /// <summary>Writes the property name the reader stands on; true when it was repaired.</summary>
    public static bool WriteName(ref Utf8JsonReader reader, Utf8JsonWriter writer)
    {
        var raw = reader.ValueSpan;
        if (!SafeJson.IsClean(raw))
        {
            writer.WritePropertyName(SafeJson.Unescape(raw));
            return true;
        }
        if (!reader.ValueIsEscaped)
        {
            writer.WritePropertyName(raw);
            return false;
        }
        WithUnescaped(ref reader, writer, static (w, utf8) => w.WritePropertyName(utf8));
        return false;
    }

    private static bool WriteScalar(ref Utf8JsonReader reader, Utf8JsonWriter writer)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                var raw = reader.ValueSpan;
                if (!SafeJson.IsClean(raw))
                {
                    writer.WriteStringValue(SafeJson.Unescape(raw));
                    return true;
                }
                if (reader.ValueIsEscaped)
                {
                    WithUnescaped(ref reader, writer, static (w, utf8) => w.WriteStringValue(utf8));
                }
                else
                {
                    writer.WriteStringValue(raw);
                }
                return false;
            case JsonTokenType.Number:
                writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                return false;
            case JsonTokenType.True:
                writer.WriteBooleanValue(true);
                return false;
            case JsonTokenType.False:
                writer.WriteBooleanValue(false);
                return false;
            default:
                writer.WriteNullValue();
                return false;
        }
    }

    private delegate void WriteUtf8(Utf8JsonWriter writer, ReadOnlySpan<byte> utf8);

    /// <summary>Unescapes the clean value the reader stands on into a pooled buffer (it never grows) and writes it.</summary>
    private static void WithUnescaped(ref Utf8JsonReader reader, Utf8JsonWriter writer, WriteUtf8 write)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
        try
        {
            write(writer, buffer.AsSpan(0, reader.CopyString(buffer)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Lower-case kind name of the value a token starts, as <c>JsonValueKind.ToString().ToLowerInvariant()</c>.</summary>
    public static string KindName(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "object",
        JsonTokenType.StartArray => "array",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        _ => "null",
    };

    private static string WrongType(string field, JsonTokenType token, string expected) =>
        $"field '{field}' is {Describe(token)}, expected {expected}";

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Number => "a number",
        JsonTokenType.String => "text",
        _ => "null",
    };
}
