using CdrFunctions.Pipeline.Pull;
using CdrFunctions.Pipeline.Storage;
using CdrFunctions.Simulators.Alotech;
using CdrFunctions.Tests.Integration;

namespace CdrFunctions.Tests.Vendors.Alotech;

/// <summary>
/// Alotech documents 100 records as the maximum of a request and the cursor as the way to more records: a page
/// shorter than 100 is not the last one while a cursor leads on. Simulator on a real Azurite, no mocks.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class AlotechPagingTests
{
    private static readonly DateTimeOffset From = new(2026, 11, 21, 21, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = From.AddHours(3);
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Pages_capped_below_the_page_size_are_followed_to_the_last_call()
    {
        // The tenant serves 30 a page while the client expects up to 100: every page is "short" and has a cursor.
        await using var h = await AlotechHarness.StartAsync(new AlotechSimulatorOptions { PageSize = 30 });
        var truth = h.Simulator.ValidCallsBetween(From, To);
        Assert.True(truth.Count > 3 * 30, "each window must need several 30-record pages");

        var pull = await h.Runner.BackfillAsync("alotech", From, To, null, None);

        Assert.True(pull.Status == PullRunStatus.Completed, pull.Error);
        await AssertEveryCallOnceAsync(h, truth);
        // Each cursor was followed once: no page was asked for twice.
        var cursors = Listings(h).Select(r => r.QueryValue("cursor")).Where(c => c is not null).ToList();
        Assert.True(cursors.Count >= truth.Count / 30, $"{cursors.Count} cursor requests for {truth.Count} calls");
        Assert.Equal(cursors.Count, cursors.Distinct().Count());
    }

    [Fact]
    public async Task A_short_page_in_the_middle_of_a_window_does_not_end_it()
    {
        await using var h = await AlotechHarness.StartAsync(new AlotechSimulatorOptions { CallsPerHour = 400 });
        h.Simulator.Faults.Enqueue(AlotechFault.ShortPage);
        h.Simulator.Faults.RandomKinds = [AlotechFault.ShortPage];
        h.Simulator.Faults.RandomFaultRate = 0.4;
        var truth = h.Simulator.ValidCallsBetween(From, To);

        var pull = await h.Runner.BackfillAsync("alotech", From, To, null, None);

        Assert.True(pull.Status == PullRunStatus.Completed, pull.Error);
        Assert.True(h.Simulator.Requests.Count(r => r.Fault == AlotechFault.ShortPage) >= 3, "several pages must have been short");
        await AssertEveryCallOnceAsync(h, truth);
    }

    [Fact]
    public async Task A_cursor_that_does_not_move_fails_the_window_with_a_clear_error_instead_of_spinning()
    {
        await using var h = await AlotechHarness.StartAsync(new AlotechSimulatorOptions { PageSize = 30 });
        h.Simulator.Faults.RandomKinds = [AlotechFault.StuckCursor];
        h.Simulator.Faults.RandomFaultRate = 1.0;

        var pull = await h.Runner.BackfillAsync("alotech", From, To, null, None);

        Assert.Equal(PullRunStatus.Failed, pull.Status);
        Assert.Contains("cursor", pull.Error, StringComparison.Ordinal);
        Assert.Contains("repeat", pull.Error, StringComparison.Ordinal);
        // Not committed: a window cut short at a stuck cursor would lose the calls after it.
        Assert.Empty(pull.Windows);
        Assert.Empty(await h.RawBlobsAsync("alotech/"));
        // Each attempt at the window asks for the first page, then the one whose cursor did not move: no endless loop.
        var listings = Listings(h);
        var attempts = listings.Count(r => r.QueryValue("cursor") is null);
        Assert.InRange(attempts, 1, 5);
        Assert.Equal(2 * attempts, listings.Count);
    }

    private static List<AlotechRequestLog> Listings(AlotechHarness h) =>
        [.. h.Simulator.Requests.Where(r => r.Path.StartsWith("/api", StringComparison.Ordinal) && r.StatusCode == 200)];

    private static async Task AssertEveryCallOnceAsync(AlotechHarness h, IReadOnlyList<SimulatedAlotechCall> truth)
    {
        var results = await h.NormalizeAllAsync(From, To);
        Assert.Equal(truth.Count, results.Sum(r => r.Records));
        Assert.Equal(0, results.Sum(r => r.Duplicates));
        var byId = (await h.TableSnapshotAsync()).Keys.Where(k => k.Item1.StartsWith("id|alotech|", StringComparison.Ordinal)).Select(k => k.Item2);
        Assert.Equal(truth.Select(c => TableKeys.Escape(c.Key)).Order(), byId.Order());
    }
}
