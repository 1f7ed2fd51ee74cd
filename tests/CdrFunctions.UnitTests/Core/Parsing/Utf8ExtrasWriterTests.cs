using System.Text;
using System.Text.Json;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Parsing;

namespace CdrFunctions.Tests.Core.Parsing;

/// <summary>
/// The extras writer writes every property with its comma and turns the first comma into the object's brace:
/// objects that start with each kind of write, an empty one, and records written one after another on the same
/// writer are the framework writer's bytes.
/// </summary>
public class Utf8ExtrasWriterTests
{
    [Fact]
    public void Every_first_write_and_every_reuse_gives_the_framework_writers_object()
    {
        var name = Utf8ExtrasWriter.Name("a");
        var other = Utf8ExtrasWriter.Name("b_ü");
        var warnings = new RecordWarnings();
        warnings.Add("w");
        (Action<Utf8ExtrasWriter> Ours, Action<Utf8JsonWriter> Framework)[] writes =
        [
            (w => { }, w => { }),
            (w => w.WriteVerbatim(name, "x"u8), w => w.WriteString("a", "x")),
            (w => w.WriteVerbatim(name, ""u8), w => w.WriteString("a", "")),
            (w => w.WriteString(name, "\"q\""u8), w => w.WriteString("a", "\"q\"")),
            (w => w.WriteNumber(name, -7), w => w.WriteNumber("a", -7)),
            (w => warnings.WriteTo(w), w => warnings.WriteTo(w)),
            (w => { w.WriteVerbatim(name, "x"u8); w.WriteNumber(other, 5); }, w => { w.WriteString("a", "x"); w.WriteNumber("b_ü", 5); }),
            (w => { w.WriteNumber(other, 5); w.WriteString(name, "ö"u8); warnings.WriteTo(w); }, w => { w.WriteNumber("b_ü", 5); w.WriteString("a", "ö"); warnings.WriteTo(w); }),
        ];
        using var writer = new Utf8ExtrasWriter();
        // Each object after each other one, on the one writer a parser keeps for its file.
        foreach (var (ours, framework) in writes.Concat(writes.Reverse()))
        {
            writer.Start();
            ours(writer);
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var expected = new Utf8JsonWriter(buffer, CallExtras.WriterOptions))
            {
                expected.WriteStartObject();
                framework(expected);
                expected.WriteEndObject();
            }
            var extras = writer.ToExtras();
            Assert.Equal(Encoding.UTF8.GetString(buffer.WrittenSpan), extras.Json);
            Assert.True(extras.Json != "{}" || ReferenceEquals(extras, CallExtras.Empty));
        }
    }

    [Fact]
    public void Verbatim_names_and_values_of_every_short_length_are_copied_whole()
    {
        // The short copies take 1-3, 4-7, 8-15 and 16-32 bytes in overlapping pieces; longer ones the general copy.
        using var writer = new Utf8ExtrasWriter();
        for (var nameLength = 1; nameLength <= 40; nameLength++)
        {
            var nameText = string.Concat(Enumerable.Range(0, nameLength).Select(i => (char)('a' + (i % 26))));
            var name = Utf8ExtrasWriter.Name(nameText);
            for (var valueLength = 0; valueLength <= 40; valueLength++)
            {
                var value = string.Concat(Enumerable.Range(0, valueLength).Select(i => (char)('0' + ((i * 7) + nameLength) % 10)));
                writer.Start();
                writer.WriteVerbatim(name, Encoding.UTF8.GetBytes(value));
                writer.WriteVerbatim(name, Encoding.UTF8.GetBytes(value + "x"));
                Assert.Equal($"{{\"{nameText}\":\"{value}\",\"{nameText}\":\"{value}x\"}}", writer.ToExtras().Json);
            }
        }
    }

    [Fact]
    public void Properties_written_again_are_the_properties_written_before()
    {
        var name = Utf8ExtrasWriter.Name("a");
        var other = Utf8ExtrasWriter.Name("b_ü");
        using var writer = new Utf8ExtrasWriter();
        // Kept from one object, written again first, last and alone in the next ones.
        writer.Start();
        writer.WriteVerbatim(name, "x"u8);
        var mark = writer.Mark;
        writer.WriteNumber(other, 5);
        writer.WriteString(name, "ö"u8);
        var kept = writer.WrittenSince(mark).ToArray();
        var whole = writer.ToExtras().Json;
        writer.Start();
        writer.WriteVerbatim(name, "x"u8);
        writer.WriteAgain(kept);
        Assert.Equal(whole, writer.ToExtras().Json);
        writer.Start();
        writer.WriteAgain(kept);
        writer.WriteVerbatim(name, "x"u8);
        Assert.Equal("{\"b_ü\":5,\"a\":\"ö\",\"a\":\"x\"}", writer.ToExtras().Json);
        writer.Start();
        writer.WriteAgain(kept);
        Assert.Equal("{\"b_ü\":5,\"a\":\"ö\"}", writer.ToExtras().Json);
        writer.Start();
        writer.WriteAgain(writer.WrittenSince(writer.Mark));
        Assert.Same(CallExtras.Empty, writer.ToExtras());
    }
}
