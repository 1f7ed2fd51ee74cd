using System.Diagnostics;
using CdrFunctions.Bench;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 2;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
var ct = cancellation.Token;
var total = Stopwatch.StartNew();

Runner.Log($"Generating {options.Records:N0} Alotech records");
var records = RawWindow.GenerateRecords(options.Records);
var raw = RawWindow.Build(records);
var e2eRaw = RawWindow.Build(records.Take(options.E2eRecords).ToList());
var report = new Report(options, raw.Length, e2eRaw.Length);

// 1. CPU only, on the raw window in memory.
var n = options.Records;
var readJson = new Measurement("JsonDocument.Parse + read every property (baseline)", n, "records/s", n);
var parse = new Measurement("AlotechParser.ParseAsync", n, "records/s", n) { Baseline = readJson };
var normalize = new Measurement("parse + normalizer CPU (limits, dedupe, sort, ToEntities, CuratedCsv)", n, "records/s", n) { Baseline = readJson };
await Runner.RunAsync("CPU", options.Runs,
[
    new(readJson, _ => Expect(CpuPipeline.ReadJson(raw), n)),
    new(parse, async token => await Expect(await CpuPipeline.ParseAsync(raw, token), n)),
    new(normalize, async token => await Expect((await CpuPipeline.NormalizeAsync(raw, token)).Records, n)),
], ct);
report.Add(readJson, parse, normalize);
report.Target("parse records/s (median)", parse.MedianPerSecond, 300_000, "N0");

// 2. End to end into Azurite, against batch upserts of the very entities the normalizer writes.
var (_, entities) = await CpuPipeline.NormalizeAsync(e2eRaw, ct);
var batches = AzuriteBench.Batches(entities);
Runner.Log($"Starting Azurite; {options.E2eRecords:N0} records become {entities.Count:N0} entities in {batches.Count:N0} transactions");
await using (var azurite = await AzuriteBench.StartAsync(e2eRaw, options.E2eRecords, ct))
{
    var e2e = options.E2eRecords;
    var upsert = new Measurement("Azurite: SubmitTransactionAsync, 100/partition batch, 8 parallel (baseline)", entities.Count, "entities/s", e2e);
    var endToEnd = new Measurement("Normalizer.NormalizeAsync end to end", e2e, "records/s", e2e);
    var baselineTable = azurite.Table("BenchBaseline");
    await Runner.RunAsync("Azurite", options.Runs,
    [
        new(upsert, token => AzuriteBench.UpsertAsync(baselineTable, batches, token), token => AzuriteBench.RecreateAsync(baselineTable, token)),
        new(endToEnd, azurite.NormalizeAsync, azurite.ResetNormalizedAsync),
    ], ct);
    var endToEndEntities = endToEnd.Counting("Normalizer.NormalizeAsync end to end (entities)", entities.Count, "entities/s", upsert);
    report.Add(upsert, endToEnd, endToEndEntities);
    report.Target("end-to-end entities/s as a ratio to the batch-upsert baseline", endToEndEntities.Ratio ?? 0, 0.6, "0.00×");
}

Console.Write(report.ToMarkdown(total.Elapsed));
return 0;

static Task Expect(int actual, int expected) => actual == expected
    ? Task.CompletedTask
    : throw new InvalidOperationException($"Expected {expected:N0} records, got {actual:N0}.");
