using System.Runtime.CompilerServices;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Time;
using CdrFunctions.Pipeline.Vendors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CdrFunctions.Vendors.DeepCall;

/// <summary>
/// DeepCall as the pipeline sees it. A window's raw blob is one JSON object holding the vendor's responses
/// exactly as received: <c>{"list":[page1,page2,...],"detail":[detail1,detail2,...]}</c> — the list pages in
/// order, then (when <see cref="DeepCallOptions.Enrich"/> is on) the detail response of each listed call in
/// list order. A live lookup lands one detail response; the webhook lands one push report.
/// </summary>
public sealed class DeepCallVendor(IOptions<DeepCallOptions> options, IServiceProvider services, ILogger<DeepCallVendor> logger) : ICdrVendor, ILiveCallSource
{
    public const string VendorName = "deepcall";
    public const string DetailPath = "/api/v2/CallReport/detail";

    private readonly DeepCallOptions _options = options.Value;

    public string Name => VendorName;

    public string RawExtension => "json";

    public PullSchedule Schedule => _options.Pull;

    public bool IsConfigured => _options.IsConfigured;

    /// <summary>What DeepCall registers besides the common parts: its push webhook.</summary>
    public static void AddServices(CdrVendorBuilder vendor)
    {
        ArgumentNullException.ThrowIfNull(vendor);
        vendor.AddPushReceiver<DeepCallWebhook>(DeepCallWebhook.KeepSecretOutOfLogs);
    }

    public async Task PullAsync(TimeWindow window, IRawSink sink, CancellationToken cancellationToken)
    {
        var client = services.GetRequiredService<DeepCallClient>();
        await sink.WriteAsync("{\"list\":["u8.ToArray(), cancellationToken).ConfigureAwait(false);
        var ids = new List<string>();
        long listed = 0;
        var first = true;
        await foreach (var page in client.GetWindowPagesAsync(window, cancellationToken).ConfigureAwait(false))
        {
            if (!first)
            {
                await sink.WriteAsync(",\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            }
            first = false;
            await sink.WriteAsync(page.Body, cancellationToken).ConfigureAwait(false);
            sink.AddRecords(page.RecordCount);
            listed += page.RecordCount;
            ids.AddRange(page.CallIds);
        }
        await sink.WriteAsync("]"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        if (_options.Enrich)
        {
            await WriteDetailsAsync(client, ids.Distinct(StringComparer.Ordinal).ToList(), sink, cancellationToken).ConfigureAwait(false);
        }
        await sink.WriteAsync("}"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        if (_options.List.CheckCount)
        {
            await CheckCountAsync(client, window, listed, sink, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Details are fetched with bounded concurrency but written in list order, so the blob is stable.</summary>
    private async Task WriteDetailsAsync(DeepCallClient client, List<string> ids, IRawSink sink, CancellationToken cancellationToken)
    {
        var details = new byte[]?[ids.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, ids.Count),
            new ParallelOptions { MaxDegreeOfParallelism = _options.EnrichConcurrency, CancellationToken = cancellationToken },
            async (i, ct) => details[i] = await client.GetDetailAsync(ids[i], ct).ConfigureAwait(false)).ConfigureAwait(false);
        await sink.WriteAsync(",\"detail\":["u8.ToArray(), cancellationToken).ConfigureAwait(false);
        var first = true;
        foreach (var detail in details)
        {
            // A call listed but unknown to the detail endpoint keeps its list entry only.
            if (detail is null)
            {
                continue;
            }
            if (!first)
            {
                await sink.WriteAsync(",\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            }
            first = false;
            await sink.WriteAsync(detail, cancellationToken).ConfigureAwait(false);
        }
        await sink.WriteAsync("]"u8.ToArray(), cancellationToken).ConfigureAwait(false);
    }

    private async Task CheckCountAsync(DeepCallClient client, TimeWindow window, long listed, IRawSink sink, CancellationToken cancellationToken)
    {
        long? count;
        try
        {
            count = await client.GetCountAsync(window, cancellationToken).ConfigureAwait(false);
        }
        catch (DeepCallApiException e) when (!e.Retryable)
        {
            // The count is a cross-check, not the data: an account without it still lands its calls.
            logger.LogWarning("DeepCall count endpoint unavailable for {Window}: {Reason}", window, e.Message);
            return;
        }
        if (count is null)
        {
            logger.LogWarning("DeepCall count response for {Window} has no number at '{Path}' (Vendors:DeepCall:List:CountPathInResponse)", window, _options.List.CountPathInResponse);
            return;
        }
        if (count.Value != listed)
        {
            sink.AddWarning($"DeepCall reports {count.Value} call(s) for the window but {listed} were listed and landed; check the Vendors:DeepCall:List settings (paging, date filter) against the account's DeepCall docs.");
        }
    }

    public async IAsyncEnumerable<ParseResult> ParseAsync(Stream raw, RawFileInfo file, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var parser = CreateParser(_options);
        await foreach (var result in parser.ParseAsync(raw, cancellationToken).ConfigureAwait(false))
        {
            yield return result;
        }
    }

    /// <summary>The detail endpoint: one call's detail response, or null when DeepCall answers <c>{"data": []}</c>.</summary>
    public Task<byte[]?> FetchCallAsync(string callId, CancellationToken cancellationToken) =>
        services.GetRequiredService<DeepCallClient>().GetDetailAsync(callId, cancellationToken);

    public static DeepCallParser CreateParser(DeepCallOptions options) => new(options);
}
