using System.Runtime.CompilerServices;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Phones;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Pipeline.Vendors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CdrFunctions.Vendors.Alotech;

/// <summary>
/// Alotech as the pipeline sees it. A window's raw blob is a JSON array of the response pages exactly as
/// received (<c>[page1,page2,...]</c>), so the raw file keeps the vendor's bytes and stays one document.
/// </summary>
public sealed class AlotechVendor(IOptions<AlotechOptions> options, IServiceProvider services) : ICdrVendor, ILiveCallSource
{
    public const string VendorName = "alotech";
    private static readonly byte[] Open = "["u8.ToArray();
    private static readonly byte[] Separator = ",\n"u8.ToArray();
    private static readonly byte[] Close = "]"u8.ToArray();

    private readonly AlotechOptions _options = options.Value;

    public string Name => VendorName;

    public string RawExtension => "json";

    public PullSchedule Schedule => _options.Pull;

    public bool IsConfigured => _options.IsConfigured;

    public async Task PullAsync(TimeWindow window, IRawSink sink, CancellationToken cancellationToken)
    {
        // Resolved per pull: the typed client is transient and only needed when pulling, not for parsing.
        var client = services.GetRequiredService<AlotechClient>();
        await sink.WriteAsync(Open, cancellationToken).ConfigureAwait(false);
        var first = true;
        await foreach (var page in client.GetWindowPagesAsync(window, cancellationToken).ConfigureAwait(false))
        {
            if (!first)
            {
                await sink.WriteAsync(Separator, cancellationToken).ConfigureAwait(false);
            }
            first = false;
            await sink.WriteAsync(page.Body, cancellationToken).ConfigureAwait(false);
            sink.AddRecords(page.RecordCount);
        }
        await sink.WriteAsync(Close, cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<ParseResult> ParseAsync(Stream raw, RawFileInfo file, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var parser = CreateParser(_options);
        await foreach (var result in parser.ParseAsync(raw, file, cancellationToken).ConfigureAwait(false))
        {
            yield return result;
        }
    }

    /// <summary>Alotech's <c>callkey</c> query: one page holding that call, or an empty list.</summary>
    public async Task<byte[]?> FetchCallAsync(string callId, CancellationToken cancellationToken)
    {
        var page = await services.GetRequiredService<AlotechClient>().GetCallAsync(callId, cancellationToken).ConfigureAwait(false);
        return page.RecordCount == 0 ? null : page.Body;
    }

    public static AlotechParser CreateParser(AlotechOptions options) =>
        new(VendorClock.ForZone(options.TimeZone), new PhoneNumberNormalizer(options.DefaultRegion));
}
