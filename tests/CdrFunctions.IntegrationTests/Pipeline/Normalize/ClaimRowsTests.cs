using Azure.Data.Tables;
using CdrFunctions.Pipeline.Landing;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Pipeline.Storage;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Tests.Integration;

namespace CdrFunctions.Tests.Pipeline.Normalize;

/// <summary>
/// Issue #14: claim rows hold no record and manifests pack many ids per row. Each path that takes a winner's record
/// from somewhere other than the normalizing blob's own parse, the insert of a first claim's by-id row without reading
/// it, and claims stored the old way are checked against a clean normalization of the same final raw blobs.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class ClaimRowsTests
{
    private static readonly DateTimeOffset Day = new(2026, 11, 26, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeWindow W8 = new(Day.AddHours(8), Day.AddHours(9));
    private static readonly WorldCall Pulled = new("X", W8.Start.AddMinutes(3), "pulled-agent");

    [Fact]
    public async Task A_first_claim_whose_call_has_a_by_id_row_left_behind_takes_the_row_over()
    {
        await using var world = await OwnershipWorld.StartAsync();
        await world.Storage.EnsureCreatedAsync(CancellationToken.None);
        var windowBlob = RawBlobName.ForWindow("alotech", W8, "json").Name;
        // Rows of X that no claim backs, under other keys (an earlier landing's, whose claim is gone, as a crash can leave them).
        var ghost = new CallRecord
        {
            Vendor = "alotech", CallId = "X", FromNumber = "+905559998877", StartUtc = W8.Start.AddMinutes(40),
            AgentName = "ghost", RawBlob = windowBlob,
        };
        foreach (var e in CallEntityMapper.ToEntities(ghost, ghost.StartUtc!.Value, [new(CallRowResolver.OwnerKeyColumn, "2|0|ghost"), new(CallRowResolver.KeyStartColumn, ghost.StartUtc.Value)]))
        {
            await world.Storage.Calls.UpsertEntityAsync(e, TableUpdateMode.Replace);
        }

        // The window claims X for the first time: its insert of the by-id row meets the ghost's and is decided again.
        var window = await world.LandWindowAsync(W8, [Pulled], pulledAt: Day.AddHours(10));
        Assert.Equal(windowBlob, window);
        await world.NormalizeAsync(window);

        var row = await world.ByIdAsync("X");
        Assert.Equal(window, row!.GetString("RawBlob"));
        Assert.Equal("pulled-agent", row.GetString("AgentName"));
        Assert.NotEqual("+905559998877", row.GetString("FromNumber"));
        await AssertLikeCleanRunAsync(world);
    }

    [Fact]
    public async Task Two_blobs_claiming_a_call_for_the_first_time_at_the_same_moment_end_with_the_better_one_owning_it()
    {
        await using var world = await OwnershipWorld.StartAsync();
        for (var hour = 0; hour < 6; hour++)
        {
            // Both insert the by-id row without reading it: one insert fails and that call is decided again with both claims.
            var window = new TimeWindow(Day.AddHours(hour), Day.AddHours(hour + 1));
            var call = new WorldCall($"T{hour}", window.Start.AddMinutes(5), "pulled-agent");
            var pulled = await world.LandWindowAsync(window, [call], pulledAt: Day.AddHours(20));
            var push = await world.LandDocumentAsync($"push-{call.Id}", call with { Agent = "pushed-agent" }, Day, pulledAt: Day.AddHours(21));
            await Task.WhenAll(hour % 2 == 0 ? [world.NormalizeAsync(pulled), world.NormalizeAsync(push)] : new[] { world.NormalizeAsync(push), world.NormalizeAsync(pulled) });

            var row = await world.ByIdAsync(call.Id);
            Assert.Equal(pulled, row!.GetString("RawBlob"));
            Assert.Equal("pulled-agent", row.GetString("AgentName"));
        }
        await AssertLikeCleanRunAsync(world);
    }

    [Fact]
    public async Task A_call_its_window_drops_goes_back_to_the_push_with_the_record_read_from_the_push_blob()
    {
        await using var world = await OwnershipWorld.StartAsync();
        var push = await world.LandDocumentAsync("push-X", Pulled with { Agent = "pushed-agent" }, Day, pulledAt: Day.AddHours(9));
        var window = await world.LandWindowAsync(W8, [Pulled], pulledAt: Day.AddHours(10));
        await world.NormalizeAsync(push);
        await world.NormalizeAsync(window);
        Assert.Equal(window, (await world.ByIdAsync("X"))!.GetString("RawBlob"));

        // The re-pull drops X: its by-id row shows the window, the push's claim row holds no record.
        await world.LandWindowAsync(W8, [], pulledAt: Day.AddHours(11));
        await world.NormalizeAsync(window);

        var row = await world.ByIdAsync("X");
        Assert.Equal(push, row!.GetString("RawBlob"));
        Assert.Equal("pushed-agent", row.GetString("AgentName"));
        var curated = await world.CuratedAsync();
        Assert.Single(curated, c => c.Value.Contains(",X,", StringComparison.Ordinal));
        Assert.Contains(",X,", curated[CuratedCsvOf(push)], StringComparison.Ordinal);
        await AssertLikeCleanRunAsync(world);
    }

    [Fact]
    public async Task A_winner_landed_again_and_not_yet_normalized_decides_the_call_at_its_own_normalization()
    {
        await using var world = await OwnershipWorld.StartAsync();
        var live = await world.LandDocumentAsync("live-X", Pulled with { Agent = "live-1" }, Day, pulledAt: Day.AddHours(9));
        await world.NormalizeAsync(live);
        var window = await world.LandWindowAsync(W8, [Pulled], pulledAt: Day.AddHours(10));
        await world.NormalizeAsync(window);
        // The live lookup is landed again (a new claim key, not recorded yet), then the window drops X.
        await world.LandDocumentAsync("live-X", Pulled with { Agent = "live-2" }, Day, pulledAt: Day.AddHours(11));
        await world.LandWindowAsync(W8, [], pulledAt: Day.AddHours(12));
        await world.NormalizeAsync(window);

        // The best claim is the live blob's first landing, whose record is gone: the rows wait for the live blob.
        Assert.Equal(window, (await world.ByIdAsync("X"))!.GetString("RawBlob"));
        await world.NormalizeAsync(live);

        var row = await world.ByIdAsync("X");
        Assert.Equal(live, row!.GetString("RawBlob"));
        Assert.Equal("live-2", row.GetString("AgentName"));
        await AssertLikeCleanRunAsync(world);
    }

    [Fact]
    public async Task Claims_stored_before_they_were_slimmed_and_packed_are_read_and_replaced()
    {
        await using var world = await OwnershipWorld.StartAsync();
        var y = new WorldCall("Y", W8.Start.AddMinutes(9), "pulled-agent");
        var window = await world.LandWindowAsync(W8, [Pulled, y], pulledAt: Day.AddHours(10));
        await world.NormalizeAsync(window);
        await StoreClaimsTheOldWayAsync(world, window, ["X", "Y"]);

        // A re-pull without Y: the old claim and manifest rows are found, Y's rows go, and no old row stays.
        await world.LandWindowAsync(W8, [Pulled], pulledAt: Day.AddHours(11));
        await world.NormalizeAsync(window);

        Assert.Null(await world.ByIdAsync("Y"));
        Assert.Equal(window, (await world.ByIdAsync("X"))!.GetString("RawBlob"));
        var claimRows = await ClaimRowsAsync(world);
        Assert.DoesNotContain(claimRows, e => e.PartitionKey.StartsWith("b|", StringComparison.Ordinal) && e.RowKey.StartsWith("c|", StringComparison.Ordinal));
        Assert.DoesNotContain(claimRows, e => e.PartitionKey.StartsWith("c|", StringComparison.Ordinal) && (e.GetString("CallId") == "Y" || e.ContainsKey("AgentName")));
        await AssertLikeCleanRunAsync(world);
    }

    [Fact]
    public async Task A_manifest_of_long_ids_is_packed_into_rows_within_the_column_limit_and_read_back_whole()
    {
        await using var world = await OwnershipWorld.StartAsync();
        var calls = Enumerable.Range(0, 300)
            .Select(i => new WorldCall($"call-{i:D3}-" + new string('x', 240), W8.Start.AddSeconds(i * 11), "agent"))
            .ToList();
        var window = await world.LandWindowAsync(W8, calls, pulledAt: Day.AddHours(10));
        await world.NormalizeAsync(window);

        var manifest = (await ClaimRowsAsync(world)).Where(e => e.RowKey.StartsWith("m|", StringComparison.Ordinal)).ToList();
        Assert.True(manifest.Count >= 3, $"{manifest.Count} manifest rows for 300 ids of 250 characters");
        Assert.All(manifest, e => Assert.InRange(e.GetString("Ids")!.Length, 1, CallClaims.MaxIdsChars));

        await world.LandWindowAsync(W8, calls.Take(100).ToList(), pulledAt: Day.AddHours(11));
        await world.NormalizeAsync(window);

        Assert.Null(await world.ByIdAsync(calls[250].Id));
        Assert.NotNull(await world.ByIdAsync(calls[50].Id));
        var claimed = await new CallClaims(world.Storage).ClaimedIdsAsync(window, CancellationToken.None);
        Assert.Equal(calls.Take(100).Select(c => c.Id).Order(StringComparer.Ordinal), claimed.Order(StringComparer.Ordinal));
        await AssertLikeCleanRunAsync(world);
    }

    /// <summary>Table, curated and quarantine files are those of a clean normalization of the same final raw blobs.</summary>
    private static async Task AssertLikeCleanRunAsync(OwnershipWorld world)
    {
        await using var clean = await OwnershipWorld.StartAsync();
        var finals = await world.RawBlobsAsync();
        foreach (var (name, blob) in finals)
        {
            await clean.CopyRawAsync(name, blob);
        }
        foreach (var name in finals.Keys.Order(StringComparer.Ordinal))
        {
            await clean.NormalizeAsync(name);
        }
        Assert.Equal(Sorted(await clean.TableAsync()), Sorted(await world.TableAsync()));
        Assert.Equal(Sorted(await clean.CuratedAsync()), Sorted(await world.CuratedAsync()));
        Assert.Equal(Sorted(await clean.QuarantineAsync()), Sorted(await world.QuarantineAsync()));
    }

    private static List<string> Sorted(Dictionary<string, string> items) =>
        [.. items.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} => {kv.Value}")];

    private static async Task<List<TableEntity>> ClaimRowsAsync(OwnershipWorld world)
    {
        var rows = new List<TableEntity>();
        await foreach (var e in world.Storage.Claims.QueryAsync<TableEntity>())
        {
            rows.Add(e);
        }
        return rows;
    }

    /// <summary>
    /// Rewrites a blob's claims as they were stored before: a claim row with the whole record (and its key start)
    /// and a manifest row per call.
    /// </summary>
    private static async Task StoreClaimsTheOldWayAsync(OwnershipWorld world, string blob, IReadOnlyList<string> callIds)
    {
        var manifestPartition = $"b|{CallSource.BlobKey(blob)}";
        foreach (var e in (await ClaimRowsAsync(world)).Where(e => e.PartitionKey == manifestPartition || e.GetString("Blob") == blob && e.PartitionKey.StartsWith("c|", StringComparison.Ordinal)))
        {
            await world.Storage.Claims.DeleteEntityAsync(e.PartitionKey, e.RowKey);
        }
        foreach (var id in callIds)
        {
            var byId = (await world.ByIdAsync(id))!;
            var claimKey = byId.GetString(CallRowResolver.OwnerKeyColumn)!;
            var claim = CallEntityMapper.ToEntity(CallEntityMapper.FromEntity(byId), CallClaims.ClaimPartition("alotech", id), CallClaims.ClaimRow(id, claimKey));
            claim["ClaimKey"] = claimKey;
            claim["KeyStart"] = byId.GetDateTimeOffset(CallRowResolver.KeyStartColumn)!.Value;
            await world.Storage.Claims.UpsertEntityAsync(claim, TableUpdateMode.Replace);
            await world.Storage.Claims.UpsertEntityAsync(new TableEntity(manifestPartition, "c|" + TableKeys.Escape(id))
            {
                ["CallId"] = id,
                ["ClaimKey"] = claimKey,
            }, TableUpdateMode.Replace);
        }
    }

    private static string CuratedCsvOf(string rawBlob) =>
        RawBlobName.TryParse(rawBlob, out var name) ? name.CuratedName : throw new ArgumentException($"'{rawBlob}' is not a raw blob name.", nameof(rawBlob));
}
