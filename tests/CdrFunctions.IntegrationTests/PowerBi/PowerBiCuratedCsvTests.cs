using System.Globalization;
using System.Text.RegularExpressions;
using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Simulators.Alotech;
using CdrFunctions.Tests.Infra;
using CdrFunctions.Tests.Integration;
using DuckDB.NET.Data;

namespace CdrFunctions.Tests.PowerBi;

/// <summary>
/// The curated output of a real run (Alotech simulator → Azurite), read the way powerbi/Calls.pq reads it but by
/// an engine that shares no code with ours (DuckDB): its column list and types, every call once, and the folder
/// date incremental refresh filters on is the UTC day each call started.
/// </summary>
[Collection(AzuriteCollection.Name)]
public partial class PowerBiCuratedCsvTests
{
    // Two days: 22:00 and 23:00 on the 21st, 00:00 and 01:00 on the 22nd.
    private static readonly DateTimeOffset From = new(2026, 11, 21, 22, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = From.AddHours(4);

    /// <summary>How Calls.pq's types read in DuckDB.</summary>
    private static readonly Dictionary<string, string> DuckDbTypeOfM = new(StringComparer.Ordinal)
    {
        ["type text"] = "VARCHAR",
        ["type datetimezone"] = "TIMESTAMP WITH TIME ZONE",
        ["Int64.Type"] = "BIGINT",
    };

    [Fact]
    public void Calls_pq_types_every_curated_column_in_order()
    {
        Assert.Equal(CuratedCsv.Columns, PowerQueryColumns().Select(c => c.Name));
        Assert.All(PowerQueryColumns(), c => Assert.True(DuckDbTypeOfM.ContainsKey(c.MType), $"{c.Name}: unexpected type {c.MType}"));
    }

    [Fact]
    public async Task DuckDB_reads_the_curated_csvs_with_the_power_query_types_and_finds_every_call_once()
    {
        await using var h = await AlotechHarness.StartAsync(new AlotechSimulatorOptions { MalformedEvery = 20 });
        var truth = h.Simulator.ValidCallsBetween(From, To);
        await h.Runner.BackfillAsync("alotech", From, To, null, CancellationToken.None);
        await h.NormalizeAllAsync(From, To);

        var folder = Directory.CreateTempSubdirectory("cdr-curated-");
        try
        {
            foreach (var (name, content) in await AlotechHarness.BlobSnapshotAsync(h.Storage.Curated))
            {
                var path = Path.Combine(folder.FullName, name);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllTextAsync(path, content);
            }
            var glob = Path.Combine(folder.FullName, "calls", "*", "*", "*", "*.csv");
            Assert.Equal(4, Directory.GetFiles(folder.FullName, "*.csv", SearchOption.AllDirectories).Length);

            using var db = new DuckDBConnection("Data Source=:memory:");
            db.Open();

            // Header names as DuckDB sees them, before any typing.
            var header = Query(db, $"DESCRIBE SELECT * FROM read_csv('{glob}', header = true, all_varchar = true)", r => r.GetString(0));
            Assert.Equal(CuratedCsv.Columns, header);

            // Typed read with Calls.pq's types, no sniffing: a value that does not convert fails the query.
            var columns = string.Join(", ", PowerQueryColumns().Select(c => $"'{c.Name}': '{DuckDbTypeOfM[c.MType]}'"));
            Execute(db, $"""
                CREATE TABLE calls AS SELECT * FROM read_csv('{glob}', header = true, auto_detect = false,
                    delim = ',', quote = '"', escape = '"', filename = true, columns = {"{"}{columns}{"}"})
                """);
            var types = Query(db, "DESCRIBE calls", r => (Name: r.GetString(0), Type: r.GetString(1)));
            Assert.Equal(
                PowerQueryColumns().Select(c => (c.Name, DuckDbTypeOfM[c.MType])).Append(("filename", "VARCHAR")),
                types);

            // Every call of the ground truth, once, with its exact start instant; nothing else.
            var rows = Query(db, "SELECT vendor, callId, epoch(startUtc)::BIGINT, filename FROM calls",
                r => (Vendor: r.GetString(0), CallId: r.GetString(1), Start: DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(2)), File: r.GetString(3)));
            Assert.Equal(truth.Count, rows.Count);
            var duplicates = Query(db, "SELECT vendor, callId FROM calls GROUP BY vendor, callId HAVING count(*) > 1", r => r.GetString(1));
            Assert.Empty(duplicates);
            Assert.Equal(
                truth.Select(c => ("alotech", c.Key, c.CallDateUtc)).Order(),
                rows.Select(r => (r.Vendor, r.CallId, r.Start)).Order());

            // Incremental refresh filters files on the folder date: it must be the UTC day the call started.
            Assert.All(rows, r => Assert.Equal(r.Start.UtcDateTime.Date, FolderDate(r.File)));
            Assert.Equal(2, rows.Select(r => FolderDate(r.File)).Distinct().Count());

            // Numbers and times typed, not text: the answered calls have talk time and an answer instant.
            var answered = Query(db, "SELECT count(*) FROM calls WHERE outcome = 'answered' AND talkSeconds >= 0 AND answerUtc >= startUtc", r => r.GetInt64(0)).Single();
            Assert.Equal(truth.Count(c => c.Answered), answered);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static DateTime FolderDate(string file)
    {
        var m = FolderDatePattern().Match(file.Replace('\\', '/'));
        Assert.True(m.Success, file);
        return DateTime.ParseExact(m.Groups[1].Value, "yyyy/MM/dd", CultureInfo.InvariantCulture);
    }

    private static List<(string Name, string MType)> PowerQueryColumns()
    {
        var text = File.ReadAllText(RepositoryFiles.PathOf("powerbi", "Calls.pq"));
        // Only the ColumnTypes list: later steps hold other {"name", ...} lists (sort orders).
        text = text[text.IndexOf("ColumnTypes = {", StringComparison.Ordinal)..text.IndexOf("ColumnNames =", StringComparison.Ordinal)];
        return ColumnTypePattern().Matches(text).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();
    }

    private static void Execute(DuckDBConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static List<T> Query<T>(DuckDBConnection db, string sql, Func<DuckDBDataReader, T> read)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        using var reader = (DuckDBDataReader)command.ExecuteReader();
        var list = new List<T>();
        while (reader.Read())
        {
            list.Add(read(reader));
        }
        return list;
    }

    [GeneratedRegex("""\{"(\w+)", (type text|type datetimezone|Int64\.Type|[^}]+)\}""", RegexOptions.CultureInvariant)]
    private static partial Regex ColumnTypePattern();

    [GeneratedRegex(@"calls/(\d{4}/\d{2}/\d{2})/[^/]+\.csv$", RegexOptions.CultureInvariant)]
    private static partial Regex FolderDatePattern();
}
