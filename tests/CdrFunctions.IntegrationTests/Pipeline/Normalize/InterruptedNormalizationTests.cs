using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using CdrFunctions.Pipeline.Storage;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Tests.Integration;

namespace CdrFunctions.Tests.Pipeline.Normalize;

/// <summary>
/// Issue #11 (crashes mid-way): a normalization that dies at any point, then runs again, ends exactly like a clean
/// run. The process's death is played at the storage client: from its k-th request on, nothing reaches Azurite
/// (requests in flight still land), for every k of the normalization. The normalization hands one call over (the
/// window drops it; a push holds it), takes one over (from a push) and changes one; so a death between a row's
/// change and the rewrite of the other blob's curated files, or between dropping a claim and resolving its call,
/// is among the points tried.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class InterruptedNormalizationTests
{
    private const int AtOnce = 4;
    private static readonly DateTimeOffset Day = new(2026, 11, 26, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeWindow W10 = new(Day.AddHours(10), Day.AddHours(11));
    private static readonly WorldCall X = new("X", W10.Start.AddMinutes(5), "agent-x");
    private static readonly WorldCall Y = new("Y", W10.Start.AddMinutes(15), "agent-y");
    private static readonly WorldCall Q = new("Q", W10.Start.AddMinutes(25), "agent-q");

    [Fact]
    public async Task A_normalization_that_dies_at_any_storage_request_then_runs_again_ends_like_a_clean_run()
    {
        var clean = await CleanStateAsync();
        var requests = await RequestsOfTheNormalizationAsync();
        Assert.InRange(requests, 20, 1_000);
        // A few worlds side by side, each emptied between the points it tries; every point is tried, failing or not.
        var failures = new System.Collections.Concurrent.ConcurrentBag<(int K, string Message)>();
        await Task.WhenAll(Enumerable.Range(0, AtOnce).Select(async first =>
        {
            var death = new Death();
            await using var world = await OwnershipWorld.StartAsync(death.Storage);
            for (var k = 1 + first; k <= requests; k += AtOnce)
            {
                await world.ResetAsync();
                try
                {
                    await DieAtThenRunAgainAsync(world, death, k, clean);
                }
                catch (Xunit.Sdk.XunitException e)
                {
                    failures.Add((k, e.Message));
                }
            }
        }));
        Assert.True(failures.IsEmpty, $"{failures.Count} of {requests} points failed; the first ones:\n"
            + string.Join("\n\n", failures.OrderBy(f => f.K).Take(4).Select(f => f.Message)));
    }

    private static async Task DieAtThenRunAgainAsync(OwnershipWorld world, Death death, int k, State clean)
    {
        var window = await HistoryAsync(world);
        death.At(k);
        var died = await Record.ExceptionAsync(() => world.NormalizeAsync(window));
        Assert.True(died is null || Died(died), $"request {k}: {died}");
        death.Off();

        await world.NormalizeAsync(window);

        var context = $"died at request {k} of the normalization";
        OwnershipWorld.AssertSame(clean.Table, await world.TableAsync(), "table", context);
        OwnershipWorld.AssertSame(clean.Curated, await world.CuratedAsync(), "curated", context);
        OwnershipWorld.AssertSame(clean.Quarantine, await world.QuarantineAsync(), "quarantine", context);
        OwnershipWorld.AssertSame(clean.Claims, await world.ClaimsAsync(), "claims", context);
    }

    private static bool Died(Exception e) =>
        e is ProcessDied || e.InnerException is { } inner && Died(inner) || e is AggregateException a && a.InnerExceptions.All(Died);

    /// <summary>Normalized before, then landed again: the window drops X (a push holds it) and gains Q (a push owns it).</summary>
    private static async Task<string> HistoryAsync(OwnershipWorld world)
    {
        var window = await world.LandWindowAsync(W10, [X, Y], pulledAt: Day.AddHours(12));
        await world.NormalizeAsync(window);
        await world.NormalizeAsync(await world.LandDocumentAsync("push-X", X with { Agent = "pushed-x" }, Day, pulledAt: Day.AddHours(11)));
        await world.NormalizeAsync(await world.LandDocumentAsync("push-Q", Q with { Agent = "pushed-q" }, Day, pulledAt: Day.AddHours(11)));
        await world.LandWindowAsync(W10, [Y with { Agent = "agent-y2" }, Q], pulledAt: Day.AddHours(13));
        return window;
    }

    private static async Task<int> RequestsOfTheNormalizationAsync()
    {
        var death = new Death();
        await using var world = await OwnershipWorld.StartAsync(death.Storage);
        var window = await HistoryAsync(world);
        death.At(int.MaxValue);
        await world.NormalizeAsync(window);
        return death.Requests;
    }

    private static async Task<State> CleanStateAsync()
    {
        await using var world = await OwnershipWorld.StartAsync();
        var window = await HistoryAsync(world);
        await world.NormalizeAsync(window);
        return new State(await world.TableAsync(), await world.CuratedAsync(), await world.QuarantineAsync(), await world.ClaimsAsync());
    }

    private sealed record State(
        Dictionary<string, string> Table, Dictionary<string, string> Curated, Dictionary<string, string> Quarantine, Dictionary<string, string> Claims);

    private sealed class ProcessDied(int request) : Exception($"the process died before storage request {request}");

    /// <summary>Storage whose clients send nothing from the k-th request on (counted from <see cref="At"/>).</summary>
    private sealed class Death : HttpPipelinePolicy
    {
        private int _dieAt = int.MaxValue;
        private int _requests = -1;

        public int Requests => Math.Max(0, Volatile.Read(ref _requests));

        public void At(int k)
        {
            Volatile.Write(ref _dieAt, k);
            Volatile.Write(ref _requests, 0);
        }

        public void Off() => Volatile.Write(ref _requests, -1);

        public CdrStorage Storage(string connectionString)
        {
            var blobOptions = new BlobClientOptions();
            blobOptions.AddPolicy(this, HttpPipelinePosition.PerCall);
            var tableOptions = new TableClientOptions();
            tableOptions.AddPolicy(this, HttpPipelinePosition.PerCall);
            return new CdrStorage(new BlobServiceClient(connectionString, blobOptions), new TableServiceClient(connectionString, tableOptions), "mortal");
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Count();
            ProcessNext(message, pipeline);
        }

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Count();
            return ProcessNextAsync(message, pipeline);
        }

        private void Count()
        {
            if (Volatile.Read(ref _requests) < 0)
            {
                return;
            }
            var n = Interlocked.Increment(ref _requests);
            if (n >= Volatile.Read(ref _dieAt))
            {
                throw new ProcessDied(n);
            }
        }
    }
}
