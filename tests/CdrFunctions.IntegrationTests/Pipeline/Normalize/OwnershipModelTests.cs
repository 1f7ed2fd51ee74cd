using System.Globalization;
using System.Text;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Tests.Integration;

namespace CdrFunctions.Tests.Pipeline.Normalize;

/// <summary>
/// Model-based test of call ownership (issue #11): random sequences of windows landed and re-landed with
/// moved, changed and dropped calls, strays, pushes and live lookups, each normalized in a random order
/// (sometimes two at once, sometimes twice), end in exactly the state a clean normalization of the final raw
/// blobs gives: the same table rows, curated files and quarantine files, over many seeds.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class OwnershipModelTests
{
    private const int Seeds = 12;
    private const int Steps = 14;
    private const int CallCount = 7;
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Fact]
    public async Task Any_order_of_landings_and_normalizations_ends_like_a_clean_run()
    {
        // Seeds run a few at a time: each has its own two storage accounts.
        foreach (var batch in Enumerable.Range(1, Seeds).Chunk(4))
        {
            await Task.WhenAll(batch.Select(RunSeedAsync));
        }
    }

    [Fact]
    public async Task A_call_the_vendor_moves_to_another_window_keeps_its_by_id_row_whatever_the_order()
    {
        // The issue's reproduction: 11:00 had X; the vendor now reports X in 10:00; 10:00 is normalized, then 11:00 (X gone).
        await using var world = await OwnershipWorld.StartAsync();
        var day = new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
        var w10 = new TimeWindow(day.AddHours(10), day.AddHours(11));
        var w11 = new TimeWindow(day.AddHours(11), day.AddHours(12));
        var first = await world.LandWindowAsync(w11, [new WorldCall("X", w11.Start.AddMinutes(5), "a")], pulledAt: day.AddHours(13));
        await world.NormalizeAsync(first);
        var moved = await world.LandWindowAsync(w10, [new WorldCall("X", w10.Start.AddMinutes(50), "a")], pulledAt: day.AddHours(14));
        var emptied = await world.LandWindowAsync(w11, [], pulledAt: day.AddHours(14));
        await world.NormalizeAsync(moved);
        await world.NormalizeAsync(emptied);

        var row = await world.ByIdAsync("X");
        Assert.NotNull(row);
        Assert.Equal(moved, row!.GetString("RawBlob"));
        Assert.Equal(w10.Start.AddMinutes(50), row.GetDateTimeOffset("StartUtc"));
        var curated = await world.CuratedAsync();
        Assert.Single(curated.Values.SelectMany(c => c.Split('\n').Skip(1)), l => l.Contains(",X,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_push_for_a_pulled_call_neither_overwrites_it_nor_counts_it_twice()
    {
        await using var world = await OwnershipWorld.StartAsync();
        var day = new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);
        var w8 = new TimeWindow(day.AddHours(8), day.AddHours(9));
        var pulled = await world.LandWindowAsync(w8, [new WorldCall("P", w8.Start.AddMinutes(1), "pulled-agent")], pulledAt: day.AddHours(10));
        var push = await world.LandDocumentAsync("push-P", new WorldCall("P", w8.Start.AddMinutes(1), "pushed-agent"), day, pulledAt: day.AddHours(9));
        await world.NormalizeAsync(pulled);
        await world.NormalizeAsync(push);

        Assert.Equal("pulled-agent", (await world.ByIdAsync("P"))!.GetString("AgentName"));
        var rows = (await world.CuratedAsync()).Values.SelectMany(c => c.Split('\n').Skip(1)).Where(l => l.Contains(",P,", StringComparison.Ordinal)).ToList();
        Assert.Single(rows);
        Assert.Contains(pulled, rows[0], StringComparison.Ordinal);
    }

    private static async Task RunSeedAsync(int seed)
    {
        await using var world = await OwnershipWorld.StartAsync();
        var random = new Random(seed);
        var day = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).AddDays(seed);
        TimeWindow[] windows = [new(day.AddHours(9), day.AddHours(10)), new(day.AddHours(10), day.AddHours(11)), new(day.AddHours(11), day.AddHours(12))];
        var ids = Enumerable.Range(0, CallCount).Select(i => $"s{seed}c{i}").ToArray();
        var home = ids.ToDictionary(id => id, _ => random.Next(windows.Length));
        var offset = ids.ToDictionary(id => id, _ => random.Next(1, 59));
        var pending = new List<string>();
        var pulledAt = day.AddHours(13);
        var log = new StringBuilder();

        for (var step = 0; step < Steps; step++)
        {
            pulledAt = pulledAt.AddMinutes(1);
            switch (random.Next(10))
            {
                case < 5:
                {
                    var w = random.Next(windows.Length);
                    // Calls may move to another window first (the vendor re-dates them).
                    foreach (var id in ids.Where(_ => random.Next(6) == 0))
                    {
                        home[id] = random.Next(windows.Length);
                        offset[id] = random.Next(1, 59);
                    }
                    var calls = new List<WorldCall>();
                    foreach (var id in ids)
                    {
                        if (home[id] == w && random.Next(5) != 0)
                        {
                            calls.Add(new WorldCall(id, windows[w].Start.AddMinutes(offset[id]), Agent(random)));
                        }
                        else if (home[id] != w && Math.Abs(home[id] - w) == 1 && random.Next(8) == 0)
                        {
                            // A stray: the vendor returns a neighbour's call in this window's answer.
                            calls.Add(new WorldCall(id, windows[home[id]].Start.AddMinutes(offset[id]), Agent(random)));
                        }
                    }
                    var blob = await world.LandWindowAsync(windows[w], calls, pulledAt);
                    log.Append(CultureInfo.InvariantCulture, $"land {blob} [{string.Join(' ', calls.Select(c => c.Id))}]; ");
                    pending.Add(blob);
                    break;
                }
                case < 7:
                {
                    var id = ids[random.Next(ids.Length)];
                    var stem = (random.Next(2) == 0 ? "push-" : "live-") + id;
                    var blob = await world.LandDocumentAsync(stem, new WorldCall(id, windows[home[id]].Start.AddMinutes(offset[id]), Agent(random)), day, pulledAt);
                    log.Append(CultureInfo.InvariantCulture, $"doc {blob}; ");
                    pending.Add(blob);
                    break;
                }
                default:
                {
                    // Blob events arrive in any order, sometimes twice, sometimes two at once.
                    var take = pending.OrderBy(_ => random.Next()).Take(random.Next(1, 3)).ToList();
                    log.Append(CultureInfo.InvariantCulture, $"normalize {string.Join(" & ", take)}; ");
                    await Task.WhenAll(take.Select(world.NormalizeAsync));
                    pending.RemoveAll(b => take.Contains(b) && random.Next(4) != 0);
                    break;
                }
            }
        }
        foreach (var blob in pending.Distinct().OrderBy(_ => random.Next()))
        {
            log.Append(CultureInfo.InvariantCulture, $"normalize {blob}; ");
            await world.NormalizeAsync(blob);
        }

        await using var clean = await OwnershipWorld.StartAsync();
        var finals = await world.RawBlobsAsync();
        foreach (var name in finals.Keys.OrderBy(_ => random.Next()))
        {
            await clean.CopyRawAsync(name, finals[name]);
        }
        foreach (var name in finals.Keys.OrderBy(_ => random.Next()))
        {
            await clean.NormalizeAsync(name);
        }

        var context = $"seed {seed}: {log}";
        OwnershipWorld.AssertSame(await clean.TableAsync(), await world.TableAsync(), "table", context);
        OwnershipWorld.AssertSame(await clean.CuratedAsync(), await world.CuratedAsync(), "curated", context);
        OwnershipWorld.AssertSame(await clean.QuarantineAsync(), await world.QuarantineAsync(), "quarantine", context);

        // And the promise itself: a call is in the curated output at most once.
        var curatedIds = (await world.CuratedAsync()).Values.SelectMany(c => c.Split('\n').Skip(1)).Where(l => l.Length > 0)
            .Select(l => l.Split(',')[1]).ToList();
        Assert.True(curatedIds.Count == curatedIds.Distinct().Count(), $"a call is in two curated files; {context}");
    }

    private static string Agent(Random random) => "agent" + random.Next(3).ToString(CultureInfo.InvariantCulture);

}
