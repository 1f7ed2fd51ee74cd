using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace CdrFunctions.Pipeline.Model;

/// <summary>
/// Vendor fields that have no column, kept as one compact JSON object. Held as text because it is
/// written verbatim to the table, the curated CSV and the API, and rarely read field by field.
/// </summary>
[JsonConverter(typeof(CallExtrasJsonConverter))]
public sealed class CallExtras : IEquatable<CallExtras>
{
    public static readonly CallExtras Empty = new("{}");

    private CallExtras(string json) => Json = json;

    /// <summary>The extras as a compact JSON object.</summary>
    public string Json { get; }

    public static CallExtras FromJson(string json)
    {
        using var doc = JsonDocument.Parse(json);
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("Extras must be a JSON object.", nameof(json));
        }
        return json == "{}" ? Empty : new CallExtras(json);
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
        return buffer.WrittenCount == 2 ? Empty : new CallExtras(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
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
        return utf8Object.Length == 2 ? Empty : new CallExtras(System.Text.Encoding.UTF8.GetString(utf8Object));
    }

    public static readonly JsonWriterOptions WriterOptions = new()
    {
        // Relaxed escaping keeps non-ASCII names (Turkish, Hindi) readable in CSV and tables.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public JsonObject ToJsonObject() => JsonNode.Parse(Json)!.AsObject();

    public JsonNode? this[string name] => ToJsonObject()[name]?.DeepClone();

    public bool Equals(CallExtras? other) => other is not null && Json == other.Json;

    public override bool Equals(object? obj) => Equals(obj as CallExtras);

    public override int GetHashCode() => Json.GetHashCode(StringComparison.Ordinal);

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
        writer.WriteRawValue(value.Json, skipInputValidation: true);
}
