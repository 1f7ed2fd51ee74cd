using System.Buffers;
using System.Text;
using System.Text.Json;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Parsing;

namespace CdrFunctions.Tests.Core.Parsing;

/// <summary>
/// Values copied from a reader by <see cref="Utf8ExtrasWriter.TryWriteVerbatim"/>, or through its framework writer
/// (<see cref="Utf8ExtrasWriter.StartProperty"/>), must come out byte for byte as one <see cref="Utf8JsonWriter"/>
/// copying every property (<see cref="Utf8Values.WriteName"/>, <see cref="Utf8Values.CopyValue"/>) wrote them.
/// </summary>
public class Utf8ExtrasWriterCopyTests
{
    public static TheoryData<string> Objects() =>
    [
        """{"a":"plain","b":12,"c":-1.5e3,"d":true,"e":false,"f":null,"g":"","h":"https://x.test/a?b=c&d=<e>'+"}""",
        """{"a":"M\u00fcller","b":"Müller","c":"a\"b","d":"back\\slash","e":"\u002B90","f":"tab\there","g":"\u007f","h":"\u007F","ok":1}""",
        """{"a":{"x":[1,"\ud800",{"\udfff":2}]},"b":[],"c":{},"d":["ok",3,null],"e":"\ud800x","f":"\udc00","ok":1}""",
        """{"n\u00e4me":1,"müşteri":"x","esc\"aped":2,"\u0041":"b","\ud800":3,"plain":"\u00e9","ok":1}""",
        "{ \"a\" : \"spaced\" ,\t\"b\" :\n 7 , \"c\" : [ 1 , 2 ] }",
    ];

    [Theory]
    [MemberData(nameof(Objects))]
    public void Copies_are_written_byte_for_byte_as_the_framework_writer_writes_them(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var buffer = new ArrayBufferWriter<byte>();
        using (var expected = new Utf8JsonWriter(buffer, CallExtras.WriterOptions))
        {
            var reader = new Utf8JsonReader(bytes);
            reader.Read();
            expected.WriteStartObject();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                Utf8Values.WriteName(ref reader, expected);
                reader.Read();
                Utf8Values.CopyValue(ref reader, expected);
            }
            expected.WriteEndObject();
        }

        using var writer = new Utf8ExtrasWriter();
        writer.Start();
        var copied = 0;
        var actual = new Utf8JsonReader(bytes);
        actual.Read();
        while (actual.Read() && actual.TokenType == JsonTokenType.PropertyName)
        {
            var name = actual.ValueSpan;
            if (!actual.ValueIsEscaped && Utf8ExtrasWriter.IsVerbatim(name))
            {
                actual.Read();
                if (writer.TryWriteVerbatim(name, in actual))
                {
                    copied++;
                    continue;
                }
                var property = writer.StartProperty();
                property.WritePropertyName(name);
                Utf8Values.CopyValue(ref actual, property);
                writer.EndProperty();
                continue;
            }
            var slow = writer.StartProperty();
            Utf8Values.WriteName(ref actual, slow);
            actual.Read();
            Utf8Values.CopyValue(ref actual, slow);
            writer.EndProperty();
        }
        Assert.Equal(Encoding.UTF8.GetString(buffer.WrittenSpan), writer.ToExtras().Json);
        Assert.True(copied > 0, "some values are copied as they are");
    }

    [Theory]
    [MemberData(nameof(Objects))]
    public void Document_properties_are_written_byte_for_byte_as_the_framework_writer_writes_them(string json) =>
        AssertDocumentCopiesSame(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Deepcall_details_and_their_mutations_are_copied_as_the_framework_writer_writes_them()
    {
        var detail = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Payloads", "DeepCall", "detail-example.json"));
        var mutator = new CdrFunctions.Tests.Robustness.Mutator(31, json: true);
        AssertDocumentCopiesSame(detail);
        for (var i = 0; i < 600; i++)
        {
            AssertDocumentCopiesSame(mutator.Mutate(detail));
        }
    }

    [Fact]
    public void Nested_values_copied_as_sent_are_what_the_framework_writer_writes()
    {
        var detail = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Payloads", "DeepCall", "detail-example.json"));
        var compact = Encoding.UTF8.GetBytes(System.Text.Json.Nodes.JsonNode.Parse(detail)!.ToJsonString());
        byte[][] seeds =
        [
            detail, compact,
            """{"a":{"x":[1,"\ud800",{"\udfff":2}]},"b":[],"c":{},"d":["ok",3,null],"e":["M\u00fcller"],"f":{"g":"Müller"},"h":[1.5e3,-0,true]}"""u8.ToArray(),
            "{ \"a\" : [ 1 , 2 ] ,\t\"b\" :\n {\"c\":[\n]}, \"d\":{\"e\":\"\\u0041\"} }"u8.ToArray(),
            """{"a":{"t":"4:13:18 pm","u":["x y z",""],"v":{"w":" "}},"b":["a" ,1],"c":{"d":"e"} ,"f":[{"g":"h\"i"}],"h":{"i":""}}"""u8.ToArray(),
        ];
        var mutator = new CdrFunctions.Tests.Robustness.Mutator(32, json: true);
        var copied = 0;
        foreach (var json in seeds.Concat(Enumerable.Range(0, 600).Select(i => mutator.Mutate(seeds[i % 2]))))
        {
            copied += AssertCompactCopiesSame(json);
        }
        Assert.True(copied > 100, $"{copied} nested values copied as sent");
    }

    /// <summary>
    /// Every nested value of the document under a verbatim name that <see cref="Utf8ExtrasWriter.TryWriteCompact"/>
    /// copies as sent comes out as the framework writer copies it; returns how many it copied.
    /// </summary>
    private static int AssertCompactCopiesSame(byte[] json)
    {
        var copied = 0;
        var reader = new Utf8JsonReader(json);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || !Utf8ExtrasWriter.IsVerbatim(in reader))
                {
                    continue;
                }
                var name = reader.ValueSpan;
                var value = reader;
                value.Read();
                if (value.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
                {
                    continue;
                }
                var start = (int)value.TokenStartIndex;
                var end = value;
                end.Skip();
                using var writer = new Utf8ExtrasWriter();
                writer.Start();
                if (!writer.TryWriteCompact(name, json.AsSpan(start, (int)end.BytesConsumed - start)))
                {
                    continue;
                }
                var buffer = new ArrayBufferWriter<byte>();
                using (var expected = new Utf8JsonWriter(buffer, CallExtras.WriterOptions))
                {
                    expected.WriteStartObject();
                    expected.WritePropertyName(name);
                    Assert.False(Utf8Values.CopyValue(ref value, expected), "a value copied as sent needs no repair");
                    expected.WriteEndObject();
                }
                Assert.Equal(Encoding.UTF8.GetString(buffer.WrittenSpan), writer.ToExtras().Json);
                copied++;
            }
        }
        catch (JsonException)
        {
            // A mutation that is not JSON: the values before the fault were compared.
        }
        return copied;
    }

    /// <summary>
    /// Every object of the document, its properties written as DeepCall's mappers wrote extras before
    /// (<see cref="SafeJson.WriteProperty"/> into one writer) and as they do now: the same bytes and repairs.
    /// </summary>
    private static void AssertDocumentCopiesSame(byte[] json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            return;
        }
        using (document)
        {
            foreach (var obj in ObjectsIn(document.RootElement))
            {
                var buffer = new ArrayBufferWriter<byte>();
                var expectedRepairs = new List<bool>();
                using (var expected = new Utf8JsonWriter(buffer, CallExtras.WriterOptions))
                {
                    expected.WriteStartObject();
                    foreach (var p in obj.EnumerateObject())
                    {
                        expectedRepairs.Add(SafeJson.WriteProperty(p, expected));
                    }
                    expected.WriteEndObject();
                }
                using var writer = new Utf8ExtrasWriter();
                writer.Start();
                var repairs = new List<bool>();
                foreach (var p in obj.EnumerateObject())
                {
                    if (writer.TryWriteVerbatim(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8PropertyName(p), p.Value))
                    {
                        repairs.Add(false);
                        continue;
                    }
                    repairs.Add(SafeJson.WriteProperty(p, writer.StartProperty()));
                    writer.EndProperty();
                }
                Assert.Equal(Encoding.UTF8.GetString(buffer.WrittenSpan), writer.ToExtras().Json);
                Assert.Equal(expectedRepairs, repairs);
            }
        }
    }

    private static IEnumerable<JsonElement> ObjectsIn(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().SelectMany(p => ObjectsIn(p.Value)).Prepend(e),
        JsonValueKind.Array => e.EnumerateArray().SelectMany(ObjectsIn),
        _ => [],
    };

    [Fact]
    public void Only_numbers_literals_and_unescaped_verbatim_strings_are_copied_as_they_are()
    {
        string[] copied = ["1", "-2.5e-3", "true", "false", "null", "\"\"", "\"a b ~!@#$%^&*()<>'+`\""];
        string[] notCopied = ["\"M\u00fcller\"", "\"\\u0041\"", "\"a\\\"b\"", "\"\u007f\"", "\"\\u00e9\"", "{}", "[]", "[1]", "{\"a\":1}"];
        foreach (var (value, expected) in copied.Select(v => (v, true)).Concat(notCopied.Select(v => (v, false))))
        {
            using var writer = new Utf8ExtrasWriter();
            writer.Start();
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(value));
            reader.Read();
            Assert.True(expected == writer.TryWriteVerbatim("n"u8, in reader), value);
            Assert.Equal(expected ? "{\"n\":" + value + "}" : "{}", writer.ToExtras().Json);
        }
    }

    [Fact]
    public void A_token_is_verbatim_exactly_when_its_bytes_are_and_it_was_not_escaped() =>
        Assert.True(EveryToken((ref Utf8JsonReader reader) =>
            Assert.Equal(!reader.ValueIsEscaped && Utf8ExtrasWriter.IsVerbatim(reader.ValueSpan), Utf8ExtrasWriter.IsVerbatim(in reader))) > 5_000);

    [Fact]
    public void Text_is_decoded_and_repaired_as_when_every_string_was_checked_for_surrogate_escapes() =>
        Assert.True(EveryToken((ref Utf8JsonReader reader) =>
        {
            // Utf8Values.Decode before it skipped the escape check for text read unescaped.
            var raw = reader.ValueSpan;
            var clean = SafeJson.IsClean(raw);
            var expected = clean ? (reader.ValueIsEscaped ? reader.GetString()! : Encoding.UTF8.GetString(raw)) : SafeJson.Unescape(raw);
            Assert.Equal(expected, Utf8Values.Decode(ref reader, out var repaired));
            Assert.Equal(!clean, repaired);
        }) > 5_000);

    private delegate void Check(ref Utf8JsonReader reader);

    /// <summary>Runs <paramref name="check"/> on every name and string the reader lets through, of random bytes and escapes; how many.</summary>
    private static int EveryToken(Check check)
    {
        var random = new Random(5);
        var tokens = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var text = new byte[random.Next(1, 12)];
            for (var j = 0; j < text.Length; j++)
            {
                text[j] = random.Next(4) == 0 ? "\\n\"u0041é\\ud800"u8[random.Next(15)] : (byte)random.Next(0x20, 0x100);
            }
            byte[] json = [.. "{\""u8, .. text, .. "\":\""u8, .. text, .. "\"}"u8];
            var reader = new Utf8JsonReader(json);
            try
            {
                while (reader.Read())
                {
                    if (reader.TokenType is JsonTokenType.PropertyName or JsonTokenType.String)
                    {
                        check(ref reader);
                        tokens++;
                    }
                }
            }
            catch (JsonException)
            {
                // Bytes the reader refuses are never asked about.
            }
        }
        return tokens;
    }
}
