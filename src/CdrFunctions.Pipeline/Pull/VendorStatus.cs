using System.Text.Json;
using CdrFunctions.Pipeline.Landing;
using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Pipeline.Vendors;

namespace CdrFunctions.Pipeline.Pull;

/// <summary>One vendor's state for <c>GET /api/status</c> and <c>cdr status</c>.</summary>
/// <param name="Checkpoint">End of the last landed window; null before the first run.</param>
/// <param name="LagSeconds">How far the checkpoint is behind now.</param>
/// <param name="LastRun">The last run's summary (status, windows, records, retries, warnings).</param>
public sealed record VendorStatus(
    string Vendor,
    bool Enabled,
    bool Configured,
    string Schedule,
    DateTimeOffset? Checkpoint,
    long? LagSeconds,
    DateTimeOffset? LastRunAt,
    JsonElement? LastRun,
    string? LastError,
    DateTimeOffset? LeaseUntil)
{
    /// <summary>Raw blobs normalized, failed (with the latest failures), quarantined records and unconfirmed out-of-window calls.</summary>
    public NormalizationSummary? Normalization { get; init; }

    /// <summary>Windows whose re-pull would drop many calls and is held back until a later run confirms it.</summary>
    public IReadOnlyList<string> PendingShrinks { get; init; } = [];
}

public sealed record StatusReport(DateTimeOffset Now, IReadOnlyList<VendorStatus> Vendors);

/// <summary>Joins the registered vendors with their checkpoint rows.</summary>
public sealed class VendorStatusReader(VendorCatalog vendors, CheckpointStore checkpoints, BlobStatusStore blobs, ShrinkGuard shrinks, TimeProvider time)
{
    public async Task<StatusReport> ReadAsync(CancellationToken cancellationToken)
    {
        var rows = (await checkpoints.ListAsync(cancellationToken).ConfigureAwait(false))
            .ToDictionary(c => c.Vendor, StringComparer.OrdinalIgnoreCase);
        var normalization = await blobs.SummariesAsync(cancellationToken).ConfigureAwait(false);
        var pending = await shrinks.PendingAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var list = vendors.All.OrderBy(v => v.Name, StringComparer.Ordinal).Select(v =>
        {
            rows.TryGetValue(v.Name, out var c);
            return new VendorStatus(
                v.Name,
                v.Schedule.Enabled,
                v.IsConfigured,
                v.Schedule.Cron,
                c is { HasWatermark: true } ? c.Watermark : null,
                c is not { HasWatermark: true } ? null : (long)Math.Max(0, (now - c.Watermark).TotalSeconds),
                c?.LastRunAt,
                ParseSummary(c?.LastRunSummary),
                c?.LastError,
                c?.LeaseUntil > now ? c.LeaseUntil : null)
            {
                Normalization = normalization.TryGetValue(v.Name, out var n) ? n : null,
                PendingShrinks = pending.TryGetValue(v.Name, out var p) ? p : [],
            };
        }).ToList();
        return new StatusReport(now, list);
    }

    private static JsonElement? ParseSummary(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            // A summary written by an older version is shown as text rather than hidden.
            return JsonSerializer.SerializeToElement(json);
        }
    }
}
