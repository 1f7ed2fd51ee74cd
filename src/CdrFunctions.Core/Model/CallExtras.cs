using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace CdrFunctions.Pipeline.Model;

/// <summary>
/// Vendor fields that have no column, kept as one compact JSON object. Held as its UTF-8 text because it is
/// written verbatim to the table, the curated CSV and the API, and rarely read field by field; UTF-8 rather than a
/// string because a window holds all its records, and this is the largest part of each (half the bytes as UTF-16).
/// Always valid Unicode: JSON text with a lone surrogate is refused, so the UTF-8 and the string are one text.
/// </summary>
[JsonConverter(typeof(CallExtrasJsonConverter))]
public sealed class CallExtras : IEquatable<CallExtras>
{
    public static readonly CallExtras Empty = new("{}"u8.ToArray());

    private readonly byte[] _utf8;

    private CallExtras(byte[] utf8) => _utf8 = utf8;

    /// <summary>The extras as a compact JSON object (decoded on each call: read it once).</summary>
    public string Json => Encoding.UTF8.GetString(_utf8);

    /// <summary>The UTF-8 bytes of <see cref="Json"/>.</summary>
    public ReadOnlySpan<byte> Utf8 => _utf8;

    /// <summary>The length of <see cref="Json"/> in UTF-16 units, as a table column counts it, without decoding it.</summary>
    public int JsonLength => Encoding.UTF8.GetCharCount(_utf8);

    public static CallExtras FromJson(string json)
    {
        using var doc = JsonDocument.Parse(json);
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("Extras must be a JSON object.", nameof(json));
        }
        return json == "{}" ? Empty : new CallExtras(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Builds extras with a writer; the caller writes properties only (the object is opened and closed here).</summary>
    public static CallExtras Build(Action<Utf8JsonWriter> writeProperties)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writeProperties(writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenCount == 2 ? Empty : new CallExtras(buffer.WrittenSpan.ToArray());
    }

    /// <summary>
    /// Extras from UTF-8 a parser wrote itself with a <see cref="Utf8JsonWriter"/> (so already valid JSON);
    /// only the object shape is checked, which keeps the hot path of parsing free of a second parse.
    /// </summary>
    public static CallExtras FromWrittenUtf8(ReadOnlySpan<byte> utf8Object)
    {
        if (utf8Object.Length < 2 || utf8Object[0] != (byte)'{' || utf8Object[^1] != (byte)'}')
        {
            throw new ArgumentException("Extras must be a JSON object.", nameof(utf8Object));
        }
        return utf8Object.Length == 2 ? Empty : new CallExtras(utf8Object.ToArray());
    }

    public static readonly JsonWriterOptions WriterOptions = new()
    {
        // Relaxed escaping keeps non-ASCII names (Turkish, Hindi) readable in CSV and tables.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public JsonObject ToJsonObject() => JsonNode.Parse(_utf8)!.AsObject();

    public JsonNode? this[string name] => ToJsonObject()[name]?.DeepClone();

    public bool Equals(CallExtras? other) => other is not null && _utf8.AsSpan().SequenceEqual(other._utf8);

    public override bool Equals(object? obj) => Equals(obj as CallExtras);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(_utf8);
        return hash.ToHashCode();
    }

    public override string ToString() => Json;
}

internal sealed class CallExtrasJsonConverter : JsonConverter<CallExtras>
{
    public override CallExtras Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var doc = JsonDocument.ParseValue(ref reader);
        if (doc.RootElement.ValueKind == JsonValueKind.Null)
        {
            return CallExtras.Empty;
        }
        return CallExtras.FromJson(doc.RootElement.GetRawText());
    }

    public override void Write(Utf8JsonWriter writer, CallExtras value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value.Utf8, skipInputValidation: true);
}
