using CdrFunctions.Simulators.DeepCall;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace CdrFunctions.Tests.Integration;

/// <summary>The vendor harness on the DeepCall simulator, with a webhook secret and the push webhook on a real host.</summary>
internal sealed class DeepCallHarness : VendorHarness<DeepCallSimulator>
{
    public const string WebhookSecret = "hook-secret-7d1e0c55b9a24f63";

    /// <summary>The host's function key (the local host's <c>Run:ApiKey</c>).</summary>
    public const string HostKey = "host-key-5b2f0e6c1d";

    private DeepCallHarness(DeepCallSimulator simulator, string storage, IReadOnlyDictionary<string, string?>? settings)
        : base(simulator, new DeepCallSimulation(simulator), storage, new FakeTimeProvider(DefaultNow),
            new Dictionary<string, string?> { ["Vendors:DeepCall:Webhook:Secret"] = WebhookSecret }, settings)
    {
    }

    /// <summary>The push URL DeepCall is given: the webhook <see cref="StartWebhookAsync"/> returned, with the key in <c>?code=</c>.</summary>
    public static Uri WebhookUrl(Uri hook) => new(hook + "?code=" + HostKey);

    /// <summary>The deprecated push URL: the secret as the last path segment (and the key).</summary>
    public static Uri LegacyWebhookUrl(Uri hook, string secret = WebhookSecret) => new(hook + "/" + secret + "?code=" + HostKey);

    public static async Task<DeepCallHarness> StartAsync(DeepCallSimulatorOptions? simulatorOptions = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var storage = await AzuriteFixture.NewStorageAsync();
        return new DeepCallHarness(await DeepCallSimulator.StartAsync(simulatorOptions ?? new DeepCallSimulatorOptions()), storage, settings);
    }

    /// <summary>The webhook as the local host serves it (behind its key), with its host's logs. Returns <c>.../api/webhooks/deepcall</c>, no key.</summary>
    public async Task<(Uri Url, FakeLogCollector Logs)> StartWebhookAsync()
    {
        var (root, services) = await StartApiAsync(HostKey);
        return (new Uri(root, "api/webhooks/deepcall"), services.GetFakeLogCollector());
    }
}
