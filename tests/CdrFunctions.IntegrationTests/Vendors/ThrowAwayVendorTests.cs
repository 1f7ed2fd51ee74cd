using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using CdrFunctions.Pipeline.Api;
using CdrFunctions.Pipeline.Lookup;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Pipeline.Pull;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Pipeline.Vendors;
using CdrFunctions.Vendors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
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
        await using var api = await ToyApi.StartAsync();
        var storage = await AzuriteFixture.NewStorageAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CdrStorage"] = storage,
            ["Vendors:Toy:Enabled"] = "true",
            ["Vendors:Toy:WindowSize"] = "06:00:00",
            ["Vendors:Toy:StartFrom"] = "2026-11-22T00:00:00Z",
            ["Vendors:Toy:BaseUrl"] = api.BaseUrl,
            ["Vendors:Toy:Token"] = "toy-token-123",
            ["Vendors:Toy:Http:RetryBaseDelay"] = "00:00:00.010",
            ["Vendors:Toy:Http:MaxRetryDelay"] = "00:00:00.050",
        });
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
        builder.Services.AddCdrFunctions(builder.Configuration);
        // The whole registration of the new vendor:
        builder.Services.AddCdrVendor<ToyVendor, ToyOptions, ToyClient>(builder.Configuration, "Toy", v => v.AddPushReceiver<ToyWebhook>());
        await using var app = builder.Build();
        app.MapCdrApi("key");
        await app.StartAsync();
        var ct = CancellationToken.None;

        var catalog = app.Services.GetRequiredService<VendorCatalog>();
        var toy = catalog.Get("toy");
        Assert.Equal(TimeSpan.FromHours(6), toy.Schedule.WindowSize); // bound from Vendors:Toy, schedule contained in the options
        Assert.Contains("toy", catalog.Names);

        // The timer path: the first 6-hour window of the day (the second one has not settled at 12:07).
        var run = await app.Services.GetRequiredService<ScheduledPull>().RunAsync("toy", isPastDue: false, ct);
        Assert.Equal(PullRunStatus.Completed, run.Status);
        Assert.Equal(new TimeWindow(Now.Date, Now.Date.AddHours(6)), Assert.Single(run.Windows).Window);
        Assert.Equal(3, run.Records);
        Assert.Equal(1, run.Retries); // the toy API failed once; the shared pipeline retried and counted it

        var normalizer = app.Services.GetRequiredService<Normalizer>();
        var blob = Assert.Single(await normalizer.ListRawBlobsAsync("toy", Now.Date, Now, ct));
        Assert.StartsWith("toy/2026/11/22/", blob, StringComparison.Ordinal);
        var normalized = await normalizer.NormalizeAsync(blob, ct);
        Assert.Equal(2, normalized.Records);
        Assert.Equal(1, normalized.Quarantined);
        var found = await app.Services.GetRequiredService<CallLookup>().GetAsync("toy", "t-2", ct);
        Assert.Equal(125, found!.TalkSeconds);

        // The webhook: the generic route hands the request to the vendor and lands what it returns.
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        using var http = new HttpClient();
        using var pushed = await http.PostAsync($"{address}/api/webhooks/toy/?code=key", new StringContent("""{"id":"t-9","start":"2026-11-22T11:00:00Z","seconds":7}"""), ct);
        Assert.Equal(HttpStatusCode.Accepted, pushed.StatusCode);
        var pushedBlob = Assert.Single(await normalizer.ListRawBlobsAsync("toy", Now.Date, Now.AddDays(1), ct), b => b.Contains("push-t-9", StringComparison.Ordinal));
        await normalizer.NormalizeAsync(pushedBlob, ct);
        Assert.Equal(7, (await app.Services.GetRequiredService<CallLookup>().GetAsync("toy", "t-9", ct))!.TalkSeconds);
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

        public async Task<PushReceipt> ReceiveAsync(HttpRequest request, string? path, CancellationToken cancellationToken)
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body, cancellationToken);
            var id = JsonDocument.Parse(body.ToArray()).RootElement.GetProperty("id").GetString();
            return new PushReceipt(Results.Accepted(), new PushedDocument($"push-{id}", body.ToArray(), Records: 1));
        }
    }

    /// <summary>The toy vendor's API: two calls and a malformed record for the morning, after one 503.</summary>
    private sealed class ToyApi : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _requests;

        private ToyApi(WebApplication app) => _app = app;

        public string BaseUrl => _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First() + "/";

        public static async Task<ToyApi> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            var api = new ToyApi(app);
            app.MapGet("/calls", (HttpRequest request) =>
                request.Query["token"] != "toy-token-123" ? Results.Unauthorized()
                : Interlocked.Increment(ref api._requests) == 1 ? Results.StatusCode(503)
                : Results.Text("""[{"id":"t-1","start":"2026-11-22T01:00:00Z","seconds":60},{"id":"t-2","start":"2026-11-22T02:00:00Z","seconds":125},{"oops":true}]""", "application/json"));
            await app.StartAsync();
            return api;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
