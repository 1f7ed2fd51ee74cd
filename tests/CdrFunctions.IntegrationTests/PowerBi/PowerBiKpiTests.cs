using System.Globalization;
using CdrFunctions.Simulators.Alotech;
using CdrFunctions.Tests.Integration;

namespace CdrFunctions.Tests.PowerBi;

/// <summary>
/// Each KPI of the model, as powerbi/kpis.sql defines it, computed by DuckDB over the curated Parquet of a simulated
/// day (simulator → pull → normalize → Azurite), equals the same KPI computed from what the simulator really
/// generated: for the whole day, per queue and per hour (sums over sums survive any filter), at two thresholds.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class PowerBiKpiTests
{
    private static readonly DateTimeOffset Day = new(2026, 11, 21, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A generated call in the model's terms, from the simulator's facts, not from any file we wrote.</summary>
    private sealed record TruthCall(bool Inbound, string? Queue, string Outcome, int Wait, int Talk, int Hold, int Transfers, int Hour)
    {
        public bool Queued => Inbound && Queue is not null;
        public bool Answered => Outcome == "answered";
        public bool Abandoned => Outcome == "abandoned";

        public static TruthCall Of(SimulatedAlotechCall call)
        {
            var f = call.Facts;
            // Alotech's own outcome rules (the vendor's fields, not our parser): answered, else voicemail, else an
            // unanswered inbound call is abandoned, an unanswered outbound one failed.
            var outcome = f.Answered ? "answered" : f.Voicemail ? "voicemail" : f.Inbound ? "abandoned" : "failed";
            return new TruthCall(f.Inbound, f.Queue, outcome, f.WaitSeconds, f.TalkSeconds, f.HoldSeconds, f.Transfers, call.CallDateUtc.UtcDateTime.Hour);
        }
    }

    /// <summary>The definitions of docs/powerbi.md, written independently of the SQL and the DAX.</summary>
    private static readonly Dictionary<string, Func<IReadOnlyList<TruthCall>, int, double?>> Truth = new()
    {
        ["Calls"] = (c, _) => c.Count,
        ["Inbound"] = (c, _) => c.Count(x => x.Inbound),
        ["Outbound"] = (c, _) => c.Count(x => !x.Inbound),
        ["Answered"] = (c, _) => c.Count(x => x.Answered),
        ["Abandoned"] = (c, _) => c.Count(x => x.Abandoned),
        ["Missed"] = (c, _) => c.Count(x => x.Outcome == "missed"),
        ["Queued inbound"] = (c, _) => c.Count(x => x.Queued),
        ["Answer rate"] = (c, _) => Ratio(c.Count(x => x.Inbound && x.Answered), c.Count(x => x.Inbound)),
        ["Abandonment rate"] = (c, _) => Ratio(c.Count(x => x.Queued && x.Abandoned), c.Count(x => x.Queued)),
        ["Service level %"] = (c, threshold) => Ratio(c.Count(x => x.Queued && x.Answered && x.Wait <= threshold), c.Count(x => x.Queued && (x.Answered || x.Abandoned))),
        ["Average speed of answer"] = (c, _) => Ratio(c.Where(x => x.Inbound && x.Answered).Sum(x => x.Wait), c.Count(x => x.Inbound && x.Answered)),
        ["Average handle time"] = (c, _) => Ratio(c.Where(x => x.Answered).Sum(x => x.Talk + x.Hold), c.Count(x => x.Answered)),
        ["Average talk"] = (c, _) => Ratio(c.Where(x => x.Answered).Sum(x => x.Talk), c.Count(x => x.Answered)),
        ["Average hold"] = (c, _) => Ratio(c.Where(x => x.Answered).Sum(x => x.Hold), c.Count(x => x.Answered)),
        ["Transfer rate"] = (c, _) => Ratio(c.Count(x => x.Answered && x.Transfers > 0), c.Count(x => x.Answered)),
    };

    private static double? Ratio(long numerator, long denominator) => denominator == 0 ? null : (double)numerator / denominator;

    [Fact]
    public void Every_model_kpi_has_a_sql_definition_and_a_ground_truth_definition()
    {
        var sql = PowerBiProject.KpiSql();
        Assert.Equal(Truth.Keys.Order(StringComparer.Ordinal), sql.Keys.Order(StringComparer.Ordinal));
        Assert.All(PowerBiProject.KpiMeasures, k => Assert.Contains(k, sql.Keys));
    }

    [Fact]
    public async Task Each_kpi_in_sql_over_the_curated_parquet_of_a_simulated_day_equals_the_ground_truth()
    {
        await using var h = await AlotechHarness.StartAsync(new AlotechSimulatorOptions { CallsPerHour = 60, MalformedEvery = 40 });
        var calls = h.Simulator.ValidCallsBetween(Day, Day.AddDays(1)).Select(TruthCall.Of).ToList();
        await h.Runner.BackfillAsync("alotech", Day, Day.AddDays(1), null, CancellationToken.None);
        var results = await h.NormalizeAllAsync(Day, Day.AddDays(1));
        Assert.Equal(24, results.Count);
        Assert.Contains(results, r => r.Quarantined > 0); // bad records are left out of the KPIs, as of the truth

        // The day has every case the definitions distinguish.
        Assert.Contains(calls, c => c.Queued && c.Abandoned);
        Assert.Contains(calls, c => c.Inbound && !c.Queued && c.Abandoned);
        Assert.Contains(calls, c => c.Queued && c.Answered && c.Wait > 20);
        Assert.Contains(calls, c => c.Outcome == "voicemail");
        Assert.Contains(calls, c => !c.Inbound && c.Answered);
        Assert.Contains(calls, c => c.Transfers > 0);

        using var folder = await CuratedFolder.DownloadAsync(h.Storage.Curated);
        using var db = new DuckDb();
        db.Execute($"CREATE TABLE all_calls AS SELECT * FROM read_parquet('{folder.Glob("parquet")}')");
        var sql = PowerBiProject.KpiSql();

        var scopes = new List<(string Where, Func<TruthCall, bool> Filter)> { ("true", _ => true) };
        scopes.AddRange(calls.Where(c => c.Queue is not null).Select(c => c.Queue!).Distinct()
            .Select(q => ($"queue = '{q.Replace("'", "''", StringComparison.Ordinal)}'", (Func<TruthCall, bool>)(c => c.Queue == q))));
        scopes.AddRange(Enumerable.Range(0, 24).Select(hour =>
            (string.Create(CultureInfo.InvariantCulture, $"hour(startUtc) = {hour}"), (Func<TruthCall, bool>)(c => c.Hour == hour))));

        var compared = 0;
        foreach (var threshold in new[] { 20, 10 })
        {
            db.Execute(string.Create(CultureInfo.InvariantCulture, $"SET VARIABLE sl_threshold = {threshold}"));
            foreach (var (where, filter) in scopes)
            {
                db.Execute($"CREATE OR REPLACE VIEW calls AS SELECT * FROM all_calls WHERE {where}");
                var subset = calls.Where(filter).ToList();
                foreach (var (kpi, statement) in sql)
                {
                    var expected = Truth[kpi](subset, threshold);
                    var actual = db.Scalar(statement);
                    Assert.True(expected is null ? actual is null : actual is { } a && Math.Abs(a - expected.Value) < 1e-9,
                        $"{kpi} where {where} at {threshold} s: SQL {actual}, ground truth {expected}");
                    compared++;
                }
            }
        }
        Assert.Equal(2 * scopes.Count * Truth.Count, compared);
        Assert.True(Truth["Service level %"](calls, 20) > Truth["Service level %"](calls, 10));
    }
}
