using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Simulators.Alotech;
using CdrFunctions.Tests.Integration;

namespace CdrFunctions.Tests.PowerBi;

/// <summary>
/// The Parquet files the normalizer writes beside the curated CSVs, read by DuckDB: the contract's column names
/// and types, the same rows and values as the CSVs (read as Calls.pq reads them), and the same ownership rules
/// (a window's file replaced whole, a call once).
/// </summary>
[Collection(AzuriteCollection.Name)]
public class CuratedParquetTests
{
    // 22:00 and 23:00 on the 21st, 00:00 and 01:00 on the 22nd: two folder dates.
    private static readonly DateTimeOffset From = new(2026, 11, 21, 22, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = From.AddHours(4);

    /// <summary>The Parquet contract (docs/powerbi.md) as DuckDB reports it.</summary>
    public static readonly IReadOnlyList<(string Name, string Type)> Contract =
    [
        ("vendor", "VARCHAR"), ("callId", "VARCHAR"), ("direction", "VARCHAR"), ("fromNumber", "VARCHAR"), ("toNumber", "VARCHAR"),
        ("startUtc", "TIMESTAMP WITH TIME ZONE"), ("answerUtc", "TIMESTAMP WITH TIME ZONE"), ("endUtc", "TIMESTAMP WITH TIME ZONE"),
        ("queueSeconds", "INTEGER"), ("talkSeconds", "INTEGER"), ("holdSeconds", "INTEGER"), ("totalSeconds", "INTEGER"),
        ("outcome", "VARCHAR"), ("agentId", "VARCHAR"), ("agentName", "VARCHAR"), ("queue", "VARCHAR"), ("recordingUrl", "VARCHAR"),
        ("transferCount", "INTEGER"), ("rawBlob", "VARCHAR"), ("extras", "VARCHAR"),
    ];

    private static readonly string[] TextColumns = Contract.Where(c => c.Type == "VARCHAR").Select(c => c.Name).ToArray();

    [Fact]
    public void The_parquet_schema_has_the_csv_columns_in_the_same_order()
    {
        Assert.Equal(CuratedCsv.Columns, CuratedParquet.Schema.GetDataFields().Select(f => f.Name));
        Assert.Equal(CuratedCsv.Columns, Contract.Select(c => c.Name));
    }

    [Fact]
    public async Task Parquet_and_csv_of_a_real_run_hold_the_same_rows_and_values()
    {
        await using var h = await AlotechHarness.StartAsync(new AlotechSimulatorOptions { MalformedEvery = 20 });
        var truth = h.Simulator.ValidCallsBetween(From, To);
        await h.Runner.BackfillAsync("alotech", From, To, null, CancellationToken.None);
        var results = await h.NormalizeAllAsync(From, To);
        Assert.All(results, r => Assert.Equal(Path.ChangeExtension(r.CuratedBlob, ".parquet"), r.CuratedParquetBlob));

        using var folder = await CuratedFolder.DownloadAsync(h.Storage.Curated);
        var csvFiles = folder.Files("csv");
        Assert.Equal(4, csvFiles.Count);
        Assert.Equal(csvFiles.Select(f => Path.ChangeExtension(f, ".parquet")), folder.Files("parquet"));

        using var db = new DuckDb();
        db.Execute($"CREATE VIEW pq AS SELECT * FROM read_parquet('{folder.Glob("parquet")}')");
        Assert.Equal(Contract, db.Query("DESCRIBE pq", r => (r.GetString(0), r.GetString(1))));
        Assert.Equal(truth.Count, (int)db.Scalar("SELECT count(*) FROM pq")!);
        Assert.Equal(truth.Count, (int)db.Scalar("SELECT count(DISTINCT (vendor, callId)) FROM pq")!);

        // The CSVs typed as Calls.pq types them, text cells without the formula-escaping apostrophe.
        var csvTypes = string.Join(", ", Contract.Select(c => $"'{c.Name}': '{(c.Type == "INTEGER" ? "BIGINT" : c.Type)}'"));
        var unescaped = string.Join(", ", Contract.Select(c => TextColumns.Contains(c.Name)
            ? $"CASE WHEN starts_with({c.Name}, '''') THEN substr({c.Name}, 2) ELSE {c.Name} END AS {c.Name}"
            : c.Name));
        db.Execute($"""
            CREATE VIEW csv AS SELECT {unescaped} FROM read_csv('{folder.Glob("csv")}', header = true, auto_detect = false,
                delim = ',', quote = '"', escape = '"', columns = {"{"}{csvTypes}{"}"})
            """);
        Assert.Equal(truth.Count, (int)db.Scalar("SELECT count(*) FROM csv")!);
        Assert.Equal(0, db.Scalar("SELECT count(*) FROM (SELECT * FROM csv EXCEPT ALL SELECT * FROM pq)"));
        Assert.Equal(0, db.Scalar("SELECT count(*) FROM (SELECT * FROM pq EXCEPT ALL SELECT * FROM csv)"));

        // Typed values, not text: exact instants, numbers that add up, extras that parse as JSON.
        Assert.Equal(
            truth.Select(c => (c.Key, c.CallDateUtc)).Order(),
            db.Query("SELECT callId, epoch(startUtc)::BIGINT FROM pq", r => (r.GetString(0), DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(1)))).Order());
        Assert.Equal(truth.Sum(c => c.Facts.HoldSeconds), (int)db.Scalar("SELECT sum(holdSeconds) FROM pq")!);
        Assert.Equal(truth.Count, (int)db.Scalar("SELECT count(*) FROM pq WHERE json_valid(extras)")!);
        Assert.Equal(0, db.Scalar("SELECT count(*) FROM pq WHERE answerUtc < startUtc OR endUtc < startUtc"));
    }

    [Fact]
    public async Task A_renormalized_window_replaces_its_parquet_file_whole()
    {
        await using var h = await AlotechHarness.StartAsync();
        await h.Runner.BackfillAsync("alotech", From, From.AddHours(1), null, CancellationToken.None);
        var first = Assert.Single(await h.NormalizeAllAsync(From, From.AddHours(1)));

        // The vendor drops one call and corrects another's agent: the window is re-landed and re-normalized.
        var blob = h.Storage.Raw.GetBlobClient("alotech/2026/11/21/2200.json");
        var props = (await blob.GetPropertiesAsync()).Value;
        var pages = System.Text.Json.Nodes.JsonNode.Parse((await blob.DownloadContentAsync()).Value.Content.ToString())!.AsArray();
        var list = pages[0]!["CallList"]!.AsArray();
        var changed = (string)list[1]!["key"]!;
        var dropped = (string)list[2]!["key"]!;
        list[1]!["agent"] = "renamed.agent@sim-tenant.com.tr";
        list.RemoveAt(2);
        await blob.UploadAsync(BinaryData.FromString(pages.ToJsonString()), new Azure.Storage.Blobs.Models.BlobUploadOptions { Metadata = props.Metadata });
        var second = await h.Normalizer.NormalizeAsync(blob.Name, CancellationToken.None);
        await h.Normalizer.NormalizeAsync(blob.Name, CancellationToken.None);

        using var folder = await CuratedFolder.DownloadAsync(h.Storage.Curated);
        using var db = new DuckDb();
        var file = Path.Combine(folder.Root, second.CuratedParquetBlob!);
        Assert.Equal(first.Records - 1, (int)db.Scalar($"SELECT count(*) FROM read_parquet('{file}')")!);
        Assert.Equal(0, db.Scalar($"SELECT count(*) FROM read_parquet('{file}') WHERE callId = '{dropped}'"));
        Assert.Equal("renamed.agent@sim-tenant.com.tr",
            db.Query($"SELECT agentName FROM read_parquet('{file}') WHERE callId = '{changed}'", r => r.GetString(0)).Single());
        Assert.Equal(1, db.Scalar($"SELECT count(*) FROM glob('{folder.Glob("parquet")}')"));
    }

    [Fact]
    public async Task An_empty_window_gets_an_empty_parquet_file_with_the_full_schema()
    {
        using var buffer = new MemoryStream();
        await CuratedParquet.WriteAsync([], buffer, CancellationToken.None);
        var path = Path.Combine(Path.GetTempPath(), $"cdr-empty-{Guid.NewGuid():N}.parquet");
        await File.WriteAllBytesAsync(path, buffer.ToArray());
        try
        {
            using var db = new DuckDb();
            Assert.Equal(Contract, db.Query($"DESCRIBE SELECT * FROM read_parquet('{path}')", r => (r.GetString(0), r.GetString(1))));
            Assert.Equal(0, db.Scalar($"SELECT count(*) FROM read_parquet('{path}')"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
