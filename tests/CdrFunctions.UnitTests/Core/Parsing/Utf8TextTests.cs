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

    [Fact]
    public void Values_are_verbatim_exactly_when_the_framework_writer_copies_them_as_they_are()
    {
        for (var b = 0; b < 0x80; b++)
        {
            var value = new[] { (byte)'a', (byte)b, (byte)'z' };
            var written = JsonEncodedText.Encode(value, CallExtras.WriterOptions.Encoder).EncodedUtf8Bytes;
            Assert.True(written.SequenceEqual(value) == Utf8ExtrasWriter.IsVerbatim(value), $"byte 0x{b:X2}");
        }
        Assert.False(Utf8ExtrasWriter.IsVerbatim("Müller"u8));
        Assert.True(Utf8ExtrasWriter.IsVerbatim(""u8));
    }

    [Fact]
    public void A_verbatim_write_is_the_same_bytes_as_a_checked_one()
    {
        using var verbatim = new Utf8ExtrasWriter();
        using var checkedWriter = new Utf8ExtrasWriter();
        verbatim.Start();
        checkedWriter.Start();
        // Enough values to make both grow their buffers past the first rent.
        for (var i = 0; i < 300; i++)
        {
            var name = Utf8ExtrasWriter.Name(i % 2 == 0 ? "n" + i : "ä\"" + i);
            var value = Encoding.ASCII.GetBytes(new string((char)(0x20 + (i % 0x5F)), i % 40).Replace('"', 'q').Replace('\\', 'b'));
            Assert.True(Utf8ExtrasWriter.IsVerbatim(value));
            verbatim.WriteVerbatim(name, value);
            checkedWriter.WriteString(name, value);
        }
        Assert.Equal(checkedWriter.ToExtras().Json, verbatim.ToExtras().Json);
    }
}
