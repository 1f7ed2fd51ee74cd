using System.Text;
using System.Text.Json;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Parsing;

namespace CdrFunctions.Tests.Core.Parsing;

/// <summary>The UTF-8 helpers parsers use instead of strings must agree with the string operations they replace.</summary>
public class Utf8TextTests
{
    [Fact]
    public void Trim_agrees_with_string_Trim_for_every_character_of_the_BMP_around_a_value()
    {
        for (var c = 0; c <= 0xFFFF; c++)
        {
            if (char.IsSurrogate((char)c))
            {
                continue;
            }
            var s = $"{(char)c}{(char)c}a{(char)c}b{(char)c}";
            var trimmed = Encoding.UTF8.GetString(Utf8Text.Trim(Encoding.UTF8.GetBytes(s)));
            Assert.True(s.Trim() == trimmed, $"U+{c:X4}");
        }
        Assert.Equal("x", Encoding.UTF8.GetString(Utf8Text.Trim(" \u00A0\u3000x\u2029\t"u8.ToArray())));
        Assert.True(Utf8Text.Trim("  \t "u8).IsEmpty);
    }

    [Fact]
    public void Extras_are_written_byte_for_byte_as_the_framework_writer_writes_them()
    {
        string[] values =
        [
            "plain", "", "a\"b", "back\\slash", "<tag>&'", "Müller", "İstanbul", "😀", "\u007F", "\u0001\u001F", "\u2028\u2029", "\uFEFF",
            "\u00A0", "tab\there", "line\nbreak", "€", "\uFFFD", "ä\"ö\\ü",
        ];
        using var writer = new Utf8ExtrasWriter();
        writer.Start();
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var expected = new Utf8JsonWriter(buffer, CallExtras.WriterOptions))
        {
            expected.WriteStartObject();
            foreach (var value in values)
            {
                var name = "n_" + value;
                expected.WriteString(name, value);
                writer.WriteString(Utf8ExtrasWriter.Name(name), Encoding.UTF8.GetBytes(value));
            }
            expected.WriteNumber("n", -42);
            writer.WriteNumber(Utf8ExtrasWriter.Name("n"), -42);
            var warnings = new RecordWarnings();
            warnings.Add("field 'x' is \"9999\"");
            warnings.Repaired("ü");
            warnings.WriteTo(expected);
            warnings.WriteTo(writer);
            expected.WriteEndObject();
        }
        Assert.Equal(Encoding.UTF8.GetString(buffer.WrittenSpan), writer.ToExtras().Json);
    }
}
