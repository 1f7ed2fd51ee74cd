using System.Text;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Normalize;

namespace CdrFunctions.Tests.Pipeline.Normalize;

/// <summary>
/// <see cref="Utf8CsvWriter"/> on its own: which characters quote a field (those CsvHelper's writer quotes for),
/// quote doubling, prefixes, UTF-8 of lone surrogates and pairs, numbers and times, and how it writes to the stream
/// (in chunks, only when asked, with the caller's token).
/// </summary>
public class Utf8CsvWriterTests
{
    [Theory]
    // CsvHelper quotes for these four only (found by writing every UTF-16 code unit alone, first, inside and last).
    [InlineData("a\"b", "\"a\"\"b\"")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("a\rb", "\"a\rb\"")]
    [InlineData("a\nb", "\"a\nb\"")]
    [InlineData("\"", "\"\"\"\"")]
    [InlineData("\"\"x\"", "\"\"\"\"\"x\"\"\"")]
    [InlineData(",", "\",\"")]
    [InlineData("\r\n", "\"\r\n\"")]
    // And not for these.
    [InlineData(" a ", " a ")]
    [InlineData("\ta", "\ta")]
    [InlineData("a;b", "a;b")]
    [InlineData("'a", "'a")]
    [InlineData("a\\b", "a\\b")]
    [InlineData("a\0b", "a\0b")]
    [InlineData("\u0085\u2028\u00A0\uFEFF", "\u0085\u2028\u00A0\uFEFF")]
    [InlineData("şİığÖç 日本 😀", "şİığÖç 日本 😀")]
    [InlineData("", "")]
    public async Task A_field_is_quoted_only_for_a_quote_comma_CR_or_LF(string text, string written)
    {
        Assert.Equal($"x,{written},y\n", await WriteAsync(csv =>
        {
            csv.WriteField("x");
            csv.WriteField(text);
            csv.WriteField("y");
        }));
    }

    [Fact]
    public async Task A_utf8_field_is_written_as_its_text_would_be()
    {
        var random = new Random(21);
        string[] pieces = ["a", "\"", ",", "\r", "\n", "\r\n", " ", "ç", "日本", "😀", "{\"k\":\"v\"}", "'", "="];
        var texts = new List<string> { "", "\"", "x", "{}" };
        for (var i = 0; i < 1_000; i++)
        {
            texts.Add(string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => pieces[random.Next(pieces.Length)])));
        }

        foreach (var text in texts)
        {
            var utf8 = Encoding.UTF8.GetBytes(text);
            Assert.Equal(
                await WriteAsync(csv => { csv.WriteField("x"); csv.WriteField(text); }),
                await WriteAsync(csv => { csv.WriteField("x"); csv.WriteUtf8Field(utf8); }));
        }
    }

    [Fact]
    public void The_utf8_escape_decision_is_the_texts_for_every_first_character()
    {
        Span<byte> utf8 = stackalloc byte[8];
        for (var c = 0; c <= char.MaxValue; c++)
        {
            if (char.IsSurrogate((char)c))
            {
                continue;
            }
            var text = $"{(char)c}x";
            var length = Encoding.UTF8.GetBytes(text, utf8);
            Assert.Equal(SpreadsheetText.NeedsEscape(text), SpreadsheetText.NeedsEscape(utf8[..length]));
        }
        Assert.False(SpreadsheetText.NeedsEscape(ReadOnlySpan<byte>.Empty));
        Assert.True(SpreadsheetText.NeedsEscape("=1"u8));
    }

    [Fact]
    public async Task A_prefix_is_part_of_the_field_and_of_its_quoting()
    {
        Assert.Equal("'=1,\"'=\"\"a,b\"\"\",',\"'\r\"\n", await WriteAsync(csv =>
        {
            csv.WriteField('\'', "=1");
            csv.WriteField('\'', "=\"a,b\"");
            csv.WriteField('\'', "");
            csv.WriteField('\'', "\r");
        }));
        var csv = new Utf8CsvWriter(Stream.Null);
        Assert.Throws<ArgumentOutOfRangeException>(() => csv.WriteField('é', "x"));
        csv.Dispose();
    }

    [Fact]
    public async Task Lone_surrogates_become_the_replacement_character_and_pairs_stay_one_character()
    {
        var bytes = await WriteBytesAsync(csv =>
        {
            csv.WriteField("a\uD800\"");
            csv.WriteField("\uDC00\uD83D\uDE00\uD83D");
        });
        Assert.Equal("\"a"u8.ToArray().Concat(new byte[] { 0xEF, 0xBF, 0xBD }).Concat("\"\"\","u8.ToArray())
            .Concat(new byte[] { 0xEF, 0xBF, 0xBD, 0xF0, 0x9F, 0x98, 0x80, 0xEF, 0xBF, 0xBD, (byte)'\n' }), bytes);
    }

    [Fact]
    public async Task Nulls_are_empty_fields_and_numbers_and_times_are_invariant()
    {
        var times = new DateTimeOffset[]
        {
            DateTimeOffset.MinValue, DateTimeOffset.MaxValue, new(2025, 11, 22, 16, 13, 18, TimeSpan.FromHours(5.5)),
            new(2025, 11, 22, 10, 43, 18, 100, TimeSpan.Zero), new(638_994_637_980_000_001, TimeSpan.FromHours(-14)),
        };
        Assert.Equal(
            ",,,-2147483648,2147483647,0,-7,0001-01-01T00:00:00Z,9999-12-31T23:59:59.9999999Z,2025-11-22T10:43:18Z,2025-11-22T10:43:18.1Z,"
            + IsoUtc.Format(times[4]) + "\n",
            await WriteAsync(csv =>
            {
                csv.WriteField((string?)null);
                csv.WriteField((int?)null);
                csv.WriteField((DateTimeOffset?)null);
                foreach (var n in new[] { int.MinValue, int.MaxValue, 0, -7 })
                {
                    csv.WriteField(n);
                }
                foreach (var t in times)
                {
                    csv.WriteField(t);
                }
            }));
        Assert.EndsWith(".0000001Z", IsoUtc.Format(times[4]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_stream_gets_chunks_when_records_end_and_the_rest_when_flushed()
    {
        var output = new RecordingStream();
        var csv = new Utf8CsvWriter(output);
        var field = new string('x', 1000);
        for (var i = 0; i < 100; i++)
        {
            csv.WriteField(field);
            await csv.EndRecordAsync(CancellationToken.None);
        }
        // A record larger than the buffer grows it and goes out whole.
        csv.WriteField(new string('"', 100_000));
        await csv.EndRecordAsync(CancellationToken.None);
        csv.WriteField("last");
        await csv.EndRecordAsync(CancellationToken.None);
        Assert.All(output.Writes, size => Assert.True(size >= 32 * 1024, $"a write of {size} bytes"));
        Assert.Equal(0, output.Flushes);
        await csv.FlushAsync(CancellationToken.None);
        csv.Dispose();
        Assert.Equal(1, output.Flushes);
        Assert.Equal((100 * 1001) + 200_003 + 5, output.Length);
        Assert.Equal("last\n", Encoding.UTF8.GetString(output.ToArray()[^5..]));
    }

    [Fact]
    public async Task The_callers_token_reaches_the_stream()
    {
        using var cancellation = new CancellationTokenSource();
        var output = new RecordingStream();
        var csv = new Utf8CsvWriter(output);
        csv.WriteField(new string('x', 40_000));
        await csv.EndRecordAsync(cancellation.Token);
        await csv.FlushAsync(cancellation.Token);
        Assert.Equal([cancellation.Token, cancellation.Token], output.Tokens);

        await cancellation.CancelAsync();
        csv.WriteField(new string('x', 40_000));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => csv.EndRecordAsync(cancellation.Token).AsTask());
        csv.Dispose();
    }

    private static async Task<string> WriteAsync(Action<Utf8CsvWriter> write) => Encoding.UTF8.GetString(await WriteBytesAsync(write));

    private static async Task<byte[]> WriteBytesAsync(Action<Utf8CsvWriter> write)
    {
        var output = new MemoryStream();
        using (var csv = new Utf8CsvWriter(output))
        {
            write(csv);
            await csv.EndRecordAsync(CancellationToken.None);
            await csv.FlushAsync(CancellationToken.None);
        }
        return output.ToArray();
    }

    /// <summary>A memory stream that notes each asynchronous write's size and token, counts flushes and refuses a cancelled token.</summary>
    internal sealed class RecordingStream : MemoryStream
    {
        public List<int> Writes { get; } = [];

        public List<CancellationToken> Tokens { get; } = [];

        public int Flushes { get; private set; }

        public Action? OnWrite { get; init; }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Writes.Add(buffer.Length);
            Tokens.Add(cancellationToken);
            OnWrite?.Invoke();
            // What OnWrite cancels shows in the next call, not in this write.
            return base.WriteAsync(buffer, CancellationToken.None);
        }

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            Flushes++;
            Tokens.Add(cancellationToken);
            return base.FlushAsync(cancellationToken);
        }
    }
}
