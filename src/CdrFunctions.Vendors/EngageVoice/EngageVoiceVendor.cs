using System.Runtime.CompilerServices;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Phones;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Pipeline.Vendors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CdrFunctions.Vendors.EngageVoice;

/// <summary>
/// RingCentral Engage Voice as the pipeline sees it: a window's raw blob is the Call Detail Report CSV
/// exactly as <c>reportsStreaming</c> sent it. The report API has no single-call query, so no live lookups.
/// </summary>
public sealed class EngageVoiceVendor(IOptions<EngageVoiceOptions> options, IServiceProvider services) : ICdrVendor
{
    public const string VendorName = "engagevoice";

    private readonly EngageVoiceOptions _options = options.Value;

    public string Name => VendorName;

    public string RawExtension => "csv";

    public PullSchedule Schedule => _options.Pull;

    public bool IsConfigured => _options.IsConfigured;

    /// <summary>What Engage Voice registers besides the common parts: its token client and caches.</summary>
    public static void AddServices(CdrVendorBuilder vendor)
    {
        ArgumentNullException.ThrowIfNull(vendor);
        vendor.AddHttpClient(EngageVoiceAuth.HttpClientName);
        vendor.Services.AddSingleton<EngageVoiceAuth>();
        vendor.Services.AddSingleton<EngageVoiceReportIds>();
    }

    public Task PullAsync(TimeWindow window, IRawSink sink, CancellationToken cancellationToken) =>
        // Resolved per pull: the typed client is transient and only needed when pulling, not for parsing.
        services.GetRequiredService<EngageVoiceClient>().CopyWindowAsync(window, sink, cancellationToken);

    public async IAsyncEnumerable<ParseResult> ParseAsync(Stream raw, RawFileInfo file, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var parser = CreateParser(_options);
        await foreach (var result in parser.ParseAsync(raw, file, cancellationToken).ConfigureAwait(false))
        {
            yield return result;
        }
    }

    public static EngageVoiceParser CreateParser(EngageVoiceOptions options) =>
        new(VendorClock.ForZone(options.TimeZone), new PhoneNumberNormalizer(options.DefaultRegion));
}
