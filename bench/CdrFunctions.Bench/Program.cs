using System.Diagnostics;
using System.Globalization;
using CdrFunctions.Bench;

if (args.Length == 4 && args[0] == MemoryBench.ChildFlag)
{
    return await MemoryBench.RunChildAsync(args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture), CancellationToken.None);
}
if (args.Length is 2 or 3 && args[0] == ProfileLoop.Flag)
{
    return await ProfileLoop.RunAsync(args[1], args.Length == 3 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20, CancellationToken.None);
}

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
var report = new Report(options);

// The Alotech window, shared by the CPU and the end-to-end steps.
Runner.Log($"Generating {options.Records:N0} Alotech records");
var records = RawWindow.GenerateRecords(options.Records);
var raw = RawWindow.Build(records);
var e2eRaw = RawWindow.Build(records.Take(options.E2eRecords).ToList());
report.Input($"Alotech CPU input: {options.Records:N0} records in {Pages(options.Records):N0} pages of {RawWindow.PageSize}, {raw.Length / 1e6:N1} MB raw window in memory");
if (!options.E2eOnly && !options.MemoryOnly && !options.BackfillOnly)
{
    await CpuAsync();
}

if (!options.CpuOnly)
{
    await StorageAndMemoryAsync();
}

Console.Write(report.ToMarkdown(total.Elapsed));
if (options.JsonFile is { } jsonFile)
{
    await File.WriteAllTextAsync(jsonFile, report.ToJson(total.Elapsed), ct);
    Runner.Log($"JSON report written to {jsonFile}");
}
return 0;

async Task CpuAsync()
{
    // 1. Alotech: CPU only, on the raw window in memory.
    var n = options.Records;
    var readJson = new Measurement("Alotech: JsonDocument.Parse + read every property (baseline)", n, "records/s", n);
    var parse = new Measurement("Alotech: AlotechParser.ParseAsync", n, "records/s", n) { Baseline = readJson };
    var normalize = new Measurement("Alotech: parse + normalizer CPU (limits, dedupe, entities, curated CSV)", n, "records/s", n) { Baseline = readJson };
    await Runner.RunAsync("Alotech CPU", options.Runs,
    [
        new(readJson, _ => Expect(CpuPipeline.ReadJson(raw), n)),
        new(parse, async token => await Expect(await CpuPipeline.ParseAsync(raw, token), n)),
        new(normalize, async token => await Expect(await CpuPipeline.NormalizeCountAsync(raw, token), n)),
    ], ct, Runner.CpuWarmups, Runner.CpuWarmupTime);
    report.Add(readJson, parse, normalize);
    report.Ratio("alotech_parse_vs_baseline", "Alotech parse vs JsonDocument.Parse + read every property", parse.Ratio!.Value, 1.0);
    report.Ratio("normalize_cpu_vs_baseline", "parse + normalizer CPU vs the same baseline", normalize.Ratio!.Value, 0.4);

    // 2. DeepCall and Engage Voice parsers against a bare read of the same bytes.
    var v = options.VendorRecords;
    var e = options.EngageVoiceRows;
    Runner.Log($"Generating a DeepCall window of {v:N0} calls and an Engage Voice report of {e:N0} rows");
    var deepCall = VendorFiles.DeepCallWindow(v);
    var engageVoice = VendorFiles.EngageVoiceReport(e);
    report.Input($"DeepCall input: {v:N0} calls as list pages of {RawWindow.PageSize} plus one detail response each, {deepCall.Length / 1e6:N1} MB; Engage Voice input: {e:N0} report rows with header, {engageVoice.Length / 1e6:N1} MB");
    var readDeepCall = new Measurement("DeepCall: JsonDocument.Parse + read every property, nested too (baseline)", v, "calls/s", v);
    var parseDeepCall = new Measurement("DeepCall: DeepCallParser.ParseAsync", v, "calls/s", v) { Baseline = readDeepCall };
    var readCsv = new Measurement("Engage Voice: CsvHelper reading every field as a string (baseline)", e, "rows/s", e);
    var parseCsv = new Measurement("Engage Voice: EngageVoiceParser.ParseAsync", e, "rows/s", e) { Baseline = readCsv };
    await Runner.RunAsync("DeepCall and Engage Voice CPU", options.Runs,
    [
        new(readDeepCall, _ => Expect(VendorParsing.ReadDeepCallJson(deepCall), v)),
        new(parseDeepCall, async token => await Expect(await VendorParsing.ParseDeepCallAsync(deepCall, token), v)),
        new(readCsv, async token => await Expect(await VendorParsing.ReadEngageVoiceCsvAsync(engageVoice, token), e)),
        new(parseCsv, async token => await Expect(await VendorParsing.ParseEngageVoiceAsync(engageVoice, token), e)),
    ], ct, Runner.CpuWarmups, Runner.CpuWarmupTime);
    report.Add(readDeepCall, parseDeepCall, readCsv, parseCsv);
    report.Ratio("deepcall_parse_vs_baseline", "DeepCall parse vs JsonDocument read of the same file", parseDeepCall.Ratio!.Value, 0.5);
    report.Ratio("engagevoice_parse_vs_baseline", "Engage Voice parse vs a bare CsvHelper read", parseCsv.Ratio!.Value, 0.5);
}

async Task StorageAndMemoryAsync()
{
    if (!options.MemoryOnly)
    {
        await StorageAsync();
        if (options.E2eOnly || options.BackfillOnly)
        {
            return;
        }
    }
    await MemoryAsync();
}

async Task StorageAsync()
{
    if (options.BackfillOnly)
    {
        await using var storage = await AzuriteBench.StartAsync(e2eRaw, options.E2eRecords, ct);
        await BackfillAsync(storage.ConnectionString);
        return;
    }
    // 3. End to end into Azurite, against batch upserts of the very entities the normalizer writes; then lookups and a backfill on it.
    var (_, entities) = await CpuPipeline.NormalizeAsync(e2eRaw, ct);
    var batches = AzuriteBench.Batches(entities);
    report.Input($"End-to-end input: {options.E2eRecords:N0} records ({Pages(options.E2eRecords):N0} pages, {e2eRaw.Length / 1e6:N1} MB) as one raw blob in Azurite, no window metadata");
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
        report.Ratio("e2e_vs_batch_upsert", "end to end into Azurite vs raw batch upserts of the same entities", endToEndEntities.Ratio!.Value, 0.8);
        if (options.E2eOnly)
        {
            return;
        }

        // The calls table now holds the last end-to-end run: look its calls up.
        await azurite.ResetNormalizedAsync(ct);
        await azurite.NormalizeAsync(ct);
        var ids = entities.Select(e => (string)e["CallId"]).Distinct(StringComparer.Ordinal).ToList();
        Runner.Log($"Lookups: {LookupBench.Clients} clients × {options.LookupsPerClient} requests per round, over HTTP and as raw point reads");
        await using (var lookups = await LookupBench.StartAsync(azurite.ConnectionString, ids, ct))
        {
            var api = new List<double>();
            var point = new List<double>();
            for (var round = 0; round <= options.Runs; round++)
            {
                Runner.Log(round == 0 ? "Lookups: warm-up" : $"Lookups: run {round}/{options.Runs}");
                var first = round % 2 == 0;
                var a = first ? await lookups.ApiAsync(options.LookupsPerClient, ct) : null;
                var p = await lookups.PointReadAsync(options.LookupsPerClient, ct);
                a ??= await lookups.ApiAsync(options.LookupsPerClient, ct);
                if (round > 0)
                {
                    api.AddRange(a);
                    point.AddRange(p);
                }
            }
            var (apiP50, apiP99) = (LookupBench.Percentile(api, 50), LookupBench.Percentile(api, 99));
            var (pointP50, pointP99) = (LookupBench.Percentile(point, 50), LookupBench.Percentile(point, 99));
            report.Raw("lookup_api_p50_ms", apiP50);
            report.Raw("lookup_api_p99_ms", apiP99);
            report.Raw("point_read_p50_ms", pointP50);
            report.Raw("point_read_p99_ms", pointP99);
            report.Input($"Lookups: GET /api/calls/alotech/{{callId}} on a local Kestrel vs TableClient.GetEntityIfExistsAsync, {LookupBench.Clients} concurrent clients, {api.Count:N0} requests each way; p50 {apiP50:N2} vs {pointP50:N2} ms, p99 {apiP99:N2} vs {pointP99:N2} ms");
            report.Ratio("lookup_p50_vs_point_read", "lookup API p50 over HTTP vs a raw point read, 16 concurrent", apiP50 / pointP50, 1.5, atMost: true);
            report.Ratio("lookup_p99_vs_point_read", "lookup API p99 over HTTP vs a raw point read, 16 concurrent", apiP99 / pointP99, 2.0, atMost: true);
        }

        await BackfillAsync(azurite.ConnectionString);
    }

}

async Task BackfillAsync(string storageConnectionString)
{
    Runner.Log($"Backfill: {options.BackfillHours} hourly windows from a simulator allowing {BackfillBench.AllowedPerSecond} requests/s with {BackfillBench.Latency.TotalMilliseconds:N0} ms latency");
    var backfill = await BackfillBench.RunAsync(storageConnectionString, options.BackfillHours, ct);
    report.Raw("backfill_requests_per_second", backfill.AchievedPerSecond);
    report.Raw("backfill_allowed_per_second", BackfillBench.AllowedPerSecond);
    report.Raw("backfill_throttled_requests", backfill.Throttled);
    report.Input($"Backfill: {backfill.Windows} windows, {backfill.Records:N0} calls, {backfill.Requests:N0} requests in {backfill.Elapsed.TotalSeconds:N1} s = {backfill.AchievedPerSecond:N1} requests/s against {BackfillBench.AllowedPerSecond}/s allowed ({BackfillBench.Latency.TotalMilliseconds:N0} ms latency), {backfill.Throttled} throttled");
    report.Ratio("backfill_vs_rate_limit", "backfill request rate vs the rate the vendor allows", backfill.Ratio, 0.9);
}

async Task MemoryAsync()
{
    // 4. Peak working set of one window, each size in its own process.
    var peaks = new Dictionary<int, double>();
    foreach (var size in options.MemoryRecords)
    {
        Runner.Log($"Memory: the CPU model normalizing a {size:N0}-record window in a child process");
        peaks[size] = await MemoryBench.MeasureAsync(MemoryBench.Child.CpuModel, size, ct);
    }
    report.Memory("peak_working_set_mb_100k", "peak working set normalizing a 100,000-record window (CPU model, nothing stored)", peaks[100_000], null);
    report.Memory("peak_working_set_mb_300k", "peak working set normalizing a 300,000-record window (CPU model, nothing stored)", peaks[300_000], 400);
    // How it grows from 100k is part of the aim: the same figure the real normalizer's rows give, in the JSON too.
    var growth = (peaks[300_000] - peaks[100_000]) / 200;
    report.Raw("working_set_mb_per_1000_records", growth);
    report.Input($"Memory, CPU model (CpuPipeline on the normalizer's own classes: parse into the record store, spilling past {new CdrFunctions.Pipeline.Normalize.NormalizeOptions().RecordsInMemory:N0} records, entities a resolver wave at a time, curated CSV and Parquet read back in order; nothing stored): peak working set of a fresh process normalizing a window read from a file stream: {peaks[100_000]:N0} MB at 100,000 records, {peaks[300_000]:N0} MB at 300,000 (+{growth:N2} MB per 1,000 records)");

    // The real Normalizer into Azurite, at sizes Azurite takes in minutes (300,000 records are ~1.5 million entity writes);
    // then the same past the in-memory limit, as a window larger than Normalize:RecordsInMemory runs.
    await NormalizerMemoryAsync(MemoryBench.Child.Normalizer, "normalizer", "",
        "the real Normalizer (claims, resolution, table writes, curated files) into a private Azurite, whose own memory is not counted");
    await NormalizerMemoryAsync(MemoryBench.Child.SpillingNormalizer, "normalizer_spilling", $" with {MemoryBench.SpillingRecordsInMemory:N0} records in memory",
        $"the real Normalizer with Normalize:RecordsInMemory = {MemoryBench.SpillingRecordsInMemory:N0} (both sizes past it, as a large window runs)");
}

async Task NormalizerMemoryAsync(MemoryBench.Child child, string key, string how, string what)
{
    var (small, large) = (options.NormalizerMemoryRecords[0], options.NormalizerMemoryRecords[1]);
    var peaks = new Dictionary<int, double>();
    foreach (var size in options.NormalizerMemoryRecords)
    {
        Runner.Log($"Memory: the real Normalizer normalizing a {size:N0}-record window into Azurite{how} in a child process");
        peaks[size] = await MemoryBench.MeasureAsync(child, size, ct);
        report.Raw($"{key}_peak_working_set_mb_{size}", peaks[size]);
    }
    var perThousand = (peaks[large] - peaks[small]) / ((large - small) / 1000.0);
    report.Raw($"{key}_working_set_mb_per_1000_records", perThousand);
    report.Input($"Memory, {what}: {peaks[small]:N0} MB at {small:N0} records, {peaks[large]:N0} MB at {large:N0} (+{perThousand:N2} MB per 1,000 records)");
}

static Task Expect(int actual, int expected) => actual == expected
    ? Task.CompletedTask
    : throw new InvalidOperationException($"Expected {expected:N0} records, got {actual:N0}.");

static int Pages(int records) => (records + RawWindow.PageSize - 1) / RawWindow.PageSize;
