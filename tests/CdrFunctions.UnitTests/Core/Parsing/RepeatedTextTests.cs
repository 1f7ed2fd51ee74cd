using System.Text;
using System.Text.Json;
using CdrFunctions.Pipeline.Parsing;

namespace CdrFunctions.Tests.Core.Parsing;

/// <summary>
/// Issue #14: agents and queues are shared between the records of a file; what a field reads as must not change,
/// whatever the text (escaped, invalid, padded, long, a number), and the warnings must be the same.
/// </summary>
public sealed class RepeatedTextTests
{
    private static readonly string[] Values =
    [
        "\"gökhan.çelik@sim-tenant.com.tr\"", "\"Kurumsal Çözümler\"", "\"  padded  \"", "\"\"", "\"   \"", "\"tab\\there\"",
        "\"\\u00e7 escaped\"", "\"\\ud800 lone\"", "12345", "null", "true", "{\"a\":1}", "[1]", "\"客服 🎧\"",
        "\"" + new string('x', 255) + "\"", "\"" + new string('ç', 200) + "\"", "\"" + new string('y', 300) + "\"", "\"\u00a0nbsp\u2003\"",
    ];

    [Fact]
    public void A_field_reads_as_without_sharing_for_any_value()
    {
        var repeated = new RepeatedText();
        var random = new Random(14);
        for (var i = 0; i < 3_000; i++)
        {
            var json = random.Next(5) == 0 ? $"\"agent {random.Next(10_000)}\"" : Values[random.Next(Values.Length)];
            var bytes = Encoding.UTF8.GetBytes(json);
            if (random.Next(10) == 0)
            {
                // Invalid UTF-8 inside the string.
                bytes = [(byte)'"', 0xC3, (byte)'x', 0xFF, (byte)'"'];
            }

            var expectedWarnings = new RecordWarnings();
            var expected = Read(bytes, expectedWarnings, null, out var expectedText);
            var actualWarnings = new RecordWarnings();
            var actual = Read(bytes, actualWarnings, repeated, out var actualText);

            Assert.Equal(expected, actual);
            Assert.Equal(expectedText, actualText);
            Assert.Equal(Warnings(expectedWarnings), Warnings(actualWarnings));
        }
    }

    [Fact]
    public void Equal_texts_are_one_string_and_the_set_stays_bounded()
    {
        var repeated = new RepeatedText();
        var first = repeated.Get("Kurumsal Çözümler".AsSpan());
        Assert.Same(first, repeated.Get("Kurumsal Çözümler".AsSpan()));
        Assert.NotSame(repeated.Get("a".AsSpan()), repeated.Get("b".AsSpan()));

        for (var i = 0; i < RepeatedText.Capacity + 10; i++)
        {
            repeated.Get($"agent {i}".AsSpan());
        }
        var past = repeated.Get("one past the capacity".AsSpan());
        Assert.Equal("one past the capacity", past);
        Assert.NotSame(past, repeated.Get("one past the capacity".AsSpan()));
        Assert.Same(first, repeated.Get("Kurumsal Çözümler".AsSpan()));
    }

    private static string? Read(byte[] json, RecordWarnings warnings, RepeatedText? repeated, out string? text)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        return repeated is null
            ? Utf8Values.Text(ref reader, "agent", out text, warnings)
            : Utf8Values.Text(ref reader, "agent", out text, warnings, repeated);
    }

    private static string Warnings(RecordWarnings warnings)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            warnings.WriteTo(writer);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
