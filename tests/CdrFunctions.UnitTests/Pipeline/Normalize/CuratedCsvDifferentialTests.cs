using System.Text;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Pipeline.Vendors;
using CdrFunctions.Tests.Pipeline.Normalize.Reference;
using CdrFunctions.Tests.Robustness;

namespace CdrFunctions.Tests.Pipeline.Normalize;

/// <summary>
/// The curated CSV as <see cref="CuratedCsv.WriteAsync"/> writes it, against CsvHelper's writer with the options it
/// had (<see cref="CsvHelperCuratedCsvReference"/>): the same bytes for the vendors' sample payloads, a seeded fuzz of
/// records full of what CSV quoting, formula escaping and UTF-8 care about, fields larger than any buffer, no records,
/// and a round trip through <see cref="CuratedCsv.ReadAsync"/>; and that a cancelled write stops between records.
/// </summary>
public class CuratedCsvDifferentialTests
{
    public const string Header =
        "vendor,callId,direction,fromNumber,toNumber,startUtc,answerUtc,endUtc,queueSeconds,talkSeconds,holdSeconds,totalSeconds,outcome,agentId,agentName,queue,recordingUrl,transferCount,rawBlob,extras\n";

    [Fact]
    public async Task The_vendors_sample_payloads_write_the_same_bytes()
    {
        var alotechPage = ParserRuns.Payload("Alotech", "page-example.json");
        var samples = new (string What, List<ParseResult> Results)[]
        {
            ("Alotech page", await ParserRuns.AlotechAsync(alotechPage)),
            ("Alotech window of 60 pages", await ParserRuns.AlotechAsync("[" + string.Join(",", Enumerable.Repeat(alotechPage, 60)) + "]")),
            ("DeepCall detail", await ParserRuns.DeepCallAsync(ParserRuns.Payload("DeepCall", "detail-example.json"))),
            ("Engage Voice rows", await ParserRuns.EngageVoiceAsync(ParserRuns.Payload("EngageVoice", "seed-rows.csv"))),
            ("Engage Voice interaction metadata", await ParserRuns.InteractionMetadataAsync(Encoding.UTF8.GetBytes(ParserRuns.Payload("EngageVoice", "interaction-metadata-spec-example.json")))),
        };
        foreach (var (what, results) in samples)
        {
            var records = results.Where(r => r.Record is not null).Select(r => r.Record!).ToList();
            Assert.True(records.Count > 0, $"{what}: no calls");
            await AssertSameAsync(records, what);
        }
        var window = samples[1].Results.Select(r => r.Record!).ToList();
        Assert.True((await WriteAsync(window)).Length > 64 * 1024, "the Alotech window fills more than one chunk");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Random_records_write_the_same_bytes(int seed)
    {
        var random = new Random(seed);
        var records = Enumerable.Range(0, 1500).Select(_ => RandomRecords.Any(random)).ToList();
        await AssertSameAsync(records, $"seed {seed}");
        // Record by record too, so that every record is also the first and the last of a file.
        foreach (var (record, i) in records.Take(300).Select((r, i) => (r, i)))
        {
            await AssertSameAsync([record], $"seed {seed}, record {i}");
        }
    }

    [Fact]
    public async Task Fields_larger_than_the_buffer_write_the_same_bytes()
    {
        var random = new Random(7);
        var records = new List<CallRecord>();
        foreach (var size in new[] { 30_000, 65_535, 65_536, 70_000, 200_000 })
        {
            records.Add(RandomRecords.Any(random) with { Extras = RandomRecords.BigExtras(random, size) });
            records.Add(RandomRecords.Any(random) with { AgentName = RandomRecords.Text(random, size) });
            records.Add(RandomRecords.Any(random) with { Queue = new string('"', size) });
            records.Add(RandomRecords.Any(random) with { RecordingUrl = new string('é', size - 1) + "😀" });
        }
        for (var i = 0; i < 400; i++)
        {
            records.Add(RandomRecords.Any(random));
        }
        await AssertSameAsync(records, "large fields among small records");
        // Each large field alone, and after records that leave the buffer at every offset near a chunk's end.
        for (var filler = 0; filler < 40; filler++)
        {
            var before = Enumerable.Range(0, 100 + filler).Select(_ => RandomRecords.Any(random));
            await AssertSameAsync([.. before, records[filler % 20]], $"after {100 + filler} records");
        }
    }

    [Fact]
    public async Task No_records_write_the_header_only()
    {
        await AssertSameAsync([], "no records");
        Assert.Equal(Header, Encoding.UTF8.GetString(await WriteAsync([])));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task What_is_written_reads_back_as_it_was(int seed)
    {
        var random = new Random(seed);
        var records = Enumerable.Range(0, 1000).Select(_ => RandomRecords.Readable(random)).ToList();
        await AssertSameAsync(records, $"readable, seed {seed}");
        var read = await CuratedCsv.ReadAsync(new MemoryStream(await WriteAsync(records)), CancellationToken.None);
        Assert.Equal(records.Count, read.Count);
        for (var i = 0; i < records.Count; i++)
        {
            Assert.True(records[i] == read[i], $"record {i} reads back as {read[i]}, written {records[i]}");
        }
    }

    [Fact]
    public async Task Cancellation_stops_the_write_between_records()
    {
        using var cancellation = new CancellationTokenSource();
        var read = 0;
        IEnumerable<CallRecord> Endless()
        {
            var random = new Random(5);
            while (true)
            {
                read++;
                yield return RandomRecords.Any(random);
            }
        }
        // Cancelled as the first chunk is written: the record after it is read, but not written.
        var readAtWrite = 0;
        var output = new Utf8CsvWriterTests.RecordingStream
        {
            OnWrite = () =>
            {
                readAtWrite = read;
                cancellation.Cancel();
            },
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CuratedCsv.WriteAsync(Endless(), output, cancellation.Token));
        Assert.Single(output.Writes);
        Assert.Equal(cancellation.Token, Assert.Single(output.Tokens));
        Assert.True(readAtWrite > 0);
        Assert.Equal(readAtWrite + 1, read);

        var before = new MemoryStream();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CuratedCsv.WriteAsync(Endless(), before, cancellation.Token));
        Assert.Equal(0, before.Length);
    }

    private static async Task<byte[]> WriteAsync(IEnumerable<CallRecord> records)
    {
        var output = new MemoryStream();
        await CuratedCsv.WriteAsync(records, output, CancellationToken.None);
        return output.ToArray();
    }

    private static async Task AssertSameAsync(IReadOnlyList<CallRecord> records, string what)
    {
        var expected = new MemoryStream();
        await CsvHelperCuratedCsvReference.WriteAsync(records, expected, CancellationToken.None);
        var actual = await WriteAsync(records);
        var at = expected.ToArray().AsSpan().CommonPrefixLength(actual);
        if (at < expected.Length || at < actual.Length)
        {
            var from = Math.Max(0, at - 40);
            Assert.Fail($"{what}: the bytes differ at {at} of {expected.Length} (written {actual.Length}): expected "
                + $"{Excerpt(expected.ToArray(), from)}, written {Excerpt(actual, from)}");
        }
    }

    private static string Excerpt(byte[] bytes, int from) =>
        from >= bytes.Length ? "(end)" : Convert.ToHexString(bytes, from, Math.Min(80, bytes.Length - from));
}
