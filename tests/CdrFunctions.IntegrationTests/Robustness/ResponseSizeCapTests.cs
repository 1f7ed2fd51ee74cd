using CdrFunctions.Pipeline.Pull;
using CdrFunctions.Tests.Integration;
using Microsoft.Extensions.DependencyInjection;

namespace CdrFunctions.Tests.Robustness;

/// <summary>
/// Issue #11: vendor bodies were read whole with no cap. Each client, against its simulator, with
/// <c>Http:MaxResponseBytes</c> below what the simulator answers: the window fails with a clear error, is not
/// retried (the same request brings the same body), lands nothing, and is pulled again by a later run.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class ResponseSizeCapTests
{
    private static readonly DateTimeOffset From = new(2026, 11, 21, 21, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken None = CancellationToken.None;

    private static void AssertCapped(PullRunResult pull, string vendor)
    {
        Assert.Equal(PullRunStatus.Failed, pull.Status);
        Assert.Empty(pull.Windows);
        Assert.Equal(0, pull.Retries);
        Assert.StartsWith($"[{From:yyyy-MM-ddTHH:mm:ssZ}", pull.Error, StringComparison.Ordinal);
        Assert.Contains($"{vendor}: the response body is larger than the 2,048 bytes allowed", pull.Error, StringComparison.Ordinal);
        Assert.Contains("Http:MaxResponseBytes", pull.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Alotech_fails_the_window_when_a_page_is_over_the_cap_and_lands_it_once_raised()
    {
        await using var h = await AlotechHarness.StartAsync(settings: new Dictionary<string, string?> { ["Vendors:Alotech:Http:MaxResponseBytes"] = "2048" });
        AssertCapped(await h.Runner.BackfillAsync("alotech", From, From.AddHours(1), null, None), "alotech");
        Assert.Empty(h.Storage.Raw.GetBlobs());

        // The harness keeps the test's settings in every graph it builds: a null removes the cap (back to the 64 MiB default).
        await using var raised = h.CreateServices(new Dictionary<string, string?> { ["Vendors:Alotech:Http:MaxResponseBytes"] = null });
        var pull = await raised.GetRequiredService<PullRunner>().BackfillAsync("alotech", From, From.AddHours(1), null, None);
        Assert.True(pull.Status == PullRunStatus.Completed, pull.Error);
        Assert.Single(h.Storage.Raw.GetBlobs());
    }

    [Fact]
    public async Task DeepCall_fails_the_window_when_a_page_is_over_the_cap()
    {
        await using var h = await DeepCallHarness.StartAsync(settings: new Dictionary<string, string?> { ["Vendors:DeepCall:Http:MaxResponseBytes"] = "2048" });
        AssertCapped(await h.Runner.BackfillAsync("deepcall", From, From.AddHours(1), null, None), "deepcall");
        Assert.Empty(h.Storage.Raw.GetBlobs());
    }

    [Fact]
    public async Task Engage_Voice_fails_the_window_when_the_streamed_report_is_over_the_cap()
    {
        await using var h = await EngageVoiceHarness.StartAsync(settings: new Dictionary<string, string?> { ["Vendors:EngageVoice:Http:MaxResponseBytes"] = "2048" });
        AssertCapped(await h.Runner.BackfillAsync("engagevoice", From, From.AddHours(1), null, None), "engagevoice");
        Assert.Empty(h.Storage.Raw.GetBlobs());
    }

    [Fact]
    public async Task Engage_Voice_interaction_metadata_fails_the_window_over_the_cap()
    {
        var settings = EngageVoiceHarness.InteractionMetadata();
        settings["Vendors:EngageVoice:Http:MaxResponseBytes"] = "2048";
        await using var h = await EngageVoiceHarness.StartAsync(settings: settings);
        AssertCapped(await h.Runner.BackfillAsync("engagevoice", From, From.AddHours(1), null, None), "engagevoice");
        Assert.Empty(h.Storage.Raw.GetBlobs());
    }
}
