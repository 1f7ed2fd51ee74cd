using System.Text.Json;
using System.Text.Json.Serialization;

namespace CdrFunctions.Pipeline.Model;

/// <summary>The one JSON shape of <see cref="CallRecord"/> (camelCase, ISO-8601 UTC with Z, nulls written).</summary>
public static class CallJson
{
    public static readonly JsonSerializerOptions Options = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new UtcDateTimeOffsetConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public static string Serialize(CallRecord record) => JsonSerializer.Serialize(record, Options);

    public static CallRecord Deserialize(string json) =>
        JsonSerializer.Deserialize<CallRecord>(json, Options) ?? throw new JsonException("null call record");

    /// <summary>Always prints UTC with a trailing Z and second precision unless sub-seconds exist.</summary>
    private sealed class UtcDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetDateTimeOffset().ToUniversalTime();

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(IsoUtc.Format(value));
    }
}

public static class IsoUtc
{
    /// <summary><c>2025-11-22T10:43:18Z</c>; fractional seconds only when present. One definition: <see cref="FormatUtf8"/>'s.</summary>
    public static string Format(DateTimeOffset value)
    {
        Span<byte> utf8 = stackalloc byte[MaxUtf8Length];
        return System.Text.Encoding.ASCII.GetString(utf8[..FormatUtf8(value, utf8)]);
    }

    public static string? Format(DateTimeOffset? value) => value is { } v ? Format(v) : null;

    /// <summary>The most bytes <see cref="FormatUtf8"/> writes.</summary>
    public const int MaxUtf8Length = 28;

    /// <summary><see cref="Format(DateTimeOffset)"/> as UTF-8 into <paramref name="destination"/>, without a string; returns the bytes written.</summary>
    public static int FormatUtf8(DateTimeOffset value, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, MaxUtf8Length);
        // "s" (yyyy-MM-ddTHH:mm:ss) has a fast path that "O" and custom formats lack; the fraction follows without its trailing zeros.
        var utc = value.UtcDateTime;
        utc.TryFormat(destination, out var end, "s", System.Globalization.CultureInfo.InvariantCulture);
        var fraction = (int)(utc.Ticks % TimeSpan.TicksPerSecond);
        if (fraction != 0)
        {
            destination[end++] = (byte)'.';
            fraction.TryFormat(destination[end..], out var digits, "D7", System.Globalization.CultureInfo.InvariantCulture);
            end += digits;
            while (destination[end - 1] == (byte)'0')
            {
                end--;
            }
        }
        destination[end] = (byte)'Z';
        return end + 1;
    }
}
