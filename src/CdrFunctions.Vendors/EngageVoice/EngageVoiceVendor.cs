using System.Runtime.CompilerServices;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Parsing;
using CdrFunctions.Pipeline.Phones;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Pipeline.Resilience;
using CdrFunctions.Pipeline.RateLimits;
using CdrFunctions.Pipeline.Vendors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CdrFunctions.Vendors.EngageVoice;

/// <summary>
/// RingCentral Engage Voice as the pipeline sees it. Stream CallDetailReport: a window's raw blob is the Call
/// Detail Report CSV exactly as <c>reportsStreaming</c> sent it. Stream InteractionMetadata: a window's raw
/// blob is the RingCX interaction-metadata response of each configured sub-account, each exactly as sent,
/// one per line. Files are told apart by content, whichever stream is configured. Neither API has a
/// single-call query, so no live lookups.
/// </summary>
public sealed class EngageVoiceVendor(IOptions<EngageVoiceOptions> options, IServiceProvider services) : ICdrVendor, ICallPartsVendor
{
    public const string VendorName = "engagevoice";

    private readonly EngageVoiceOptions _options = options.Value;

    public string Name => VendorName;

    public string RawExtension => _options.UsesInteractionMetadata ? "json" : "csv";

    /// <summary>Segments are filed by the time they ended, so a call's later legs can be in later windows' files.</summary>
    public TimeSpan PartsSpan => _options.UsesInteractionMetadata ? _options.MaxCallDuration : TimeSpan.Zero;

    public PullSchedule Schedule => _options.Pull;

    public bool IsConfigured => _options.IsConfigured;

    /// <summary>What Engage Voice registers besides the common parts: the interaction-metadata client, the token client, caches.</summary>
    public static void AddServices(CdrVendorBuilder vendor)
    {
        ArgumentNullException.ThrowIfNull(vendor);
        vendor.Services.TryAddSingleton<RateLimiterRegistry>();
        // interaction-metadata: a 429 is not retried (it pauses the sub-account and stops the run), and every
        // attempt, retries included, first takes a permit of its sub-account's limits, shared process-wide.
        vendor.Services.AddHttpClient<EngageVoiceInteractionClient>()
            .AddVendorResilience(vendor.Name,
                sp => sp.GetRequiredService<IOptions<EngageVoiceOptions>>().Value is var o ? o.Http.AllowingWaitPerAttempt(o.RateLimitMaxWait) : null!,
                pipeline: "interactions", retryTooManyRequests: false)
            .AddHttpMessageHandler<EngageVoiceAuthHandler>()
            .AddHttpMessageHandler(sp =>
            {
                var o = sp.GetRequiredService<IOptions<EngageVoiceOptions>>().Value;
                return new RateLimitingHandler(sp.GetRequiredService<RateLimiterRegistry>(), o.SubAccountPolicy(), EngageVoiceInteractionClient.LimiterKeyOf, o.RateLimitMaxWait);
            });
        vendor.AddClientHandler<EngageVoiceAuthHandler>();
        vendor.AddHttpClient(EngageVoiceAuth.HttpClientName);
        vendor.Services.AddSingleton<EngageVoiceAuth>();
        vendor.Services.AddSingleton<EngageVoiceReportIds>();
    }

    public Task PullAsync(TimeWindow window, IRawSink sink, CancellationToken cancellationToken) =>
        // Resolved per pull: the typed clients are transient and only needed when pulling, not for parsing.
        _options.UsesInteractionMetadata
            ? services.GetRequiredService<EngageVoiceInteractionClient>().CopyWindowAsync(window, sink, cancellationToken)
            : services.GetRequiredService<EngageVoiceClient>().CopyWindowAsync(window, sink, cancellationToken);

    public IAsyncEnumerable<ParseResult> ParseAsync(Stream raw, RawFileInfo file, CancellationToken cancellationToken) =>
        ParseWithFollowersAsync(raw, file, [], cancellationToken);

    public async IAsyncEnumerable<ParseResult> ParseWithFollowersAsync(
        Stream own, RawFileInfo file, IReadOnlyList<(Stream Raw, RawFileInfo File)> followers, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (first, replay) = await JsonFileShape.PeekAsync(own, cancellationToken).ConfigureAwait(false);
        await using (replay.ConfigureAwait(false))
        {
            // An array is interaction-metadata; an object is its error body when that stream is configured.
            // Anything else is the Call Detail report, whose parser also names JSON or HTML it cannot read.
            if (first == (byte)'[' || (first == (byte)'{' && _options.UsesInteractionMetadata))
            {
                // The file guard: whatever the segments hold (a lone surrogate a string read throws on), nothing
                // escapes; the calls read so far stay, and the file gets an entry with the reason.
                var segments = CreateInteractionParser(_options);
                await foreach (var result in ParseGuard.FileAsync(segments.ParseAsync(replay, file, followers, cancellationToken), cancellationToken).ConfigureAwait(false))
                {
                    yield return result;
                }
                yield break;
            }
            using var parser = CreateParser(_options);
            await foreach (var result in parser.ParseAsync(replay, file, cancellationToken).ConfigureAwait(false))
            {
                yield return result;
            }
        }
    }

    public static EngageVoiceParser CreateParser(EngageVoiceOptions options) =>
        new(VendorClock.ForZone(options.TimeZone), new PhoneNumberNormalizer(options.DefaultRegion));

    public static EngageVoiceInteractionParser CreateInteractionParser(EngageVoiceOptions options) =>
        new(new PhoneNumberNormalizer(options.DefaultRegion));
}
