using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Pull;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Pipeline.Vendors;
using CdrFunctions.Simulators.Common;
using CdrFunctions.Vendors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using CdrFunctions.Tests.Integration;

namespace CdrFunctions.Tests.Vendors;

/// <summary>
/// docs/contributing.md's checklist, done once for a vendor that exists only in this file: its options, client,
/// vendor and webhook, registered with the one generic line and nothing else. The production pipeline then
/// schedules, pulls (with the shared resilience and retry counting), lands, normalizes, looks up and serves its
/// webhook, without a line of pipeline or host code knowing it.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ThrowAwayVendorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 7, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_vendor_registered_with_one_line_is_pulled_normalized_looked_up_and_pushed_to()
    {
        await using var h = await ToyHarness.StartAsync();
        var ct = CancellationToken.None;

        var catalog = h.Services.GetRequiredService<VendorCatalog>();
        var toy = catalog.Get("toy");
        Assert.Equal(TimeSpan.FromHours(6), toy.Schedule.WindowSize); // bound from Vendors:Toy, schedule contained in the options
        Assert.Contains("toy", catalog.Names);

        // The timer path: the first 6-hour window of the day (the second one has not settled at 12:07).
        var run = await h.Services.GetRequiredService<ScheduledPull>().RunAsync("toy", isPastDue: false, ct);
        Assert.Equal(PullRunStatus.Completed, run.Status);
        Assert.Equal(new TimeWindow(Now.Date, Now.Date.AddHours(6)), Assert.Single(run.Windows).Window);
        Assert.Equal(3, run.Records);
        Assert.Equal(1, run.Retries); // the toy API failed once; the shared pipeline retried and counted it

        var blob = Assert.Single(await h.Normalizer.ListRawBlobsAsync("toy", Now.Date, Now, ct));
        Assert.StartsWith("toy/2026/11/22/", blob, StringComparison.Ordinal);
        var normalized = await h.Normalizer.NormalizeAsync(blob, ct);
        Assert.Equal(h.Simulator.ValidCallsBetween(Now.Date, Now), normalized.Records);
        Assert.Equal(1, normalized.Quarantined);
        var found = await h.Lookup.GetAsync("toy", h.Simulator.SampleCallId(Now.Date, Now)!, ct);
        Assert.Equal(125, found!.TalkSeconds);

        // The webhook: the generic route hands the request to the vendor and lands what it returns.
        var (root, _) = await h.StartApiAsync("key");
        using var http = new HttpClient();
        using var pushed = await http.PostAsync(new Uri(root, "api/webhooks/toy/?code=key"), new StringContent("""{"id":"t-9","start":"2026-11-22T11:00:00Z","seconds":7}"""), ct);
        Assert.Equal(HttpStatusCode.Accepted, pushed.StatusCode);
        var pushedBlob = Assert.Single(await h.Normalizer.ListRawBlobsAsync("toy", Now.Date, Now.AddDays(1), ct), b => b.Contains("push-t-9", StringComparison.Ordinal));
        await h.Normalizer.NormalizeAsync(pushedBlob, ct);
        Assert.Equal(7, (await h.Lookup.GetAsync("toy", "t-9", ct))!.TalkSeconds);
    }

    [Fact]
    public void Its_options_are_validated_like_every_vendor_s()
    {
        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Vendors:Toy:Enabled"] = "true",
            ["Vendors:Toy:TimeZone"] = "Mars/Base",
            ["Vendors:Toy:WindowSize"] = "00:07:00",
        }).Build();
        services.AddCdrVendor<ToyVendor, ToyOptions, ToyClient>(configuration, "Toy");
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ToyOptions>>().Value);
        Assert.Contains(error.Failures, f => f.Contains("Vendors:Toy:TimeZone 'Mars/Base'", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("WindowSize", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Vendors:Toy is enabled but lacks Token", StringComparison.Ordinal));
        Assert.Equal(["toy"], services.RegisteredVendorNames());
    }

    public sealed class ToyOptions() : VendorOptions(defaultTimeZone: "UTC", defaultRegion: "US")
    {
        public Uri? BaseUrl { get; set; }
        public string? Token { get; set; }
        public override bool IsConfigured => BaseUrl is not null && !string.IsNullOrEmpty(Token);
        protected override string MissingSettings => "Token and BaseUrl";
        protected override IEnumerable<string?> Secrets => [Token];
    }

    public sealed class ToyClient(HttpClient http, IOptions<ToyOptions> options)
    {
        public Task<byte[]> GetWindowAsync(TimeWindow window, CancellationToken ct) =>
            http.GetByteArrayAsync(new Uri(VendorOptions.WithTrailingSlash(options.Value.BaseUrl!), $"calls?from={window.Start:O}&token={options.Value.Token}"), ct);
    }

    /// <summary>Raw files are JSON arrays of <c>{id, start, seconds}</c>; anything else in them is quarantined.</summary>
    public sealed class ToyVendor(IOptions<ToyOptions> options, IServiceProvider services) : ICdrVendor
    {
        public string Name => "toy";
        public string RawExtension => "json";
        public PullSchedule Schedule => options.Value.Pull;
        public bool IsConfigured => options.Value.IsConfigured;

        public async Task PullAsync(TimeWindow window, IRawSink sink, CancellationToken cancellationToken)
        {
            var page = await services.GetRequiredService<ToyClient>().GetWindowAsync(window, cancellationToken);
            await sink.WriteAsync(page, cancellationToken);
            using var doc = JsonDocument.Parse(page);
            sink.AddRecords(doc.RootElement.GetArrayLength());
        }

        public async IAsyncEnumerable<ParseResult> ParseAsync(Stream raw, RawFileInfo file, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            using var doc = await JsonDocument.ParseAsync(raw, cancellationToken: cancellationToken);
            var items = doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement.EnumerateArray().ToList() : [doc.RootElement];
            foreach (var (item, i) in items.Select((item, i) => (item, i)))
            {
                if (item.TryGetProperty("id", out var id) && item.TryGetProperty("start", out var start) && item.TryGetProperty("seconds", out var seconds))
                {
                    yield return ParseResult.Ok(new CallRecord
                    {
                        Vendor = Name, CallId = id.GetString()!, StartUtc = start.GetDateTimeOffset(), TalkSeconds = seconds.GetInt32(),
                        Outcome = CallOutcome.Answered, RawBlob = file.BlobName,
                    });
                }
                else
                {
                    yield return ParseResult.Bad(new Quarantined($"item {i}", "id, start or seconds missing", item.GetRawText()));
                }
            }
        }
    }

    public sealed class ToyWebhook : IPushReceiver
    {
        public string Vendor => "toy";

        // Not wired to the toy's route: nothing here paces it.
        public RequestPacer Pacing { get; } = new();

        public async Task<PushReceipt> ReceiveAsync(HttpRequest request, string? path, CancellationToken cancellationToken)
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body, cancellationToken);
            var id = JsonDocument.Parse(body.ToArray()).RootElement.GetProperty("id").GetString();
            return new PushReceipt(Results.Accepted(), new PushedDocument($"push-{id}", body.ToArray(), Records: 1));
        }
    }

    /// <summary>The shared vendor harness on the toy API, with the toy vendor's one registration line.</summary>
    private sealed class ToyHarness : VendorHarness<ToyApi>
    {
        private ToyHarness(ToyApi api, string storage)
            : base(api, api, storage, new FakeTimeProvider(Now))
        {
        }

        public static async Task<ToyHarness> StartAsync() =>
            new(await ToyApi.StartAsync(), await AzuriteFixture.NewStorageAsync());

        private protected override void AddVendor(IServiceCollection services, IConfiguration configuration) =>
            // The whole registration of the new vendor:
            services.AddCdrVendor<ToyVendor, ToyOptions, ToyClient>(configuration, "Toy", v => v.AddPushReceiver<ToyWebhook>());
    }

    /// <summary>The toy vendor's API: two calls and a malformed record for the morning, after one 503.</summary>
    private sealed class ToyApi(LocalServer server) : IVendorSimulation
    {
        private int _requests;

        public string Vendor => "toy";

        // Not wired to the toy's route: nothing here paces it.
        public RequestPacer Pacing { get; } = new();

        public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Vendors:Toy:Enabled"] = "true",
            ["Vendors:Toy:WindowSize"] = "06:00:00",
            ["Vendors:Toy:StartFrom"] = "2026-11-22T00:00:00Z",
            ["Vendors:Toy:BaseUrl"] = server.BaseUrl.ToString(),
            ["Vendors:Toy:Token"] = "toy-token-123",
        };

        public static async Task<ToyApi> StartAsync()
        {
            ToyApi? api = null;
            var server = await LocalKestrel.StartAsync(
                routes => routes.MapGet("/calls", (HttpRequest request) =>
                    request.Query["token"] != "toy-token-123" ? Results.Unauthorized()
                    : Interlocked.Increment(ref api!._requests) == 1 ? Results.StatusCode(503)
                    : Results.Text("""[{"id":"t-1","start":"2026-11-22T01:00:00Z","seconds":60},{"id":"t-2","start":"2026-11-22T02:00:00Z","seconds":125},{"oops":true}]""", "application/json")),
                CancellationToken.None);
            return api = new ToyApi(server);
        }

        public int ValidCallsBetween(DateTimeOffset fromUtc, DateTimeOffset toUtc) => 2;

        public string? SampleCallId(DateTimeOffset fromUtc, DateTimeOffset toUtc) => "t-2";

        public ValueTask DisposeAsync() => server.DisposeAsync();
    }
}
