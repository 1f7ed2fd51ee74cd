using System.Text;
using System.Text.Json;
using CdrFunctions.Pipeline.Landing;
using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Storage;
using CdrFunctions.Pipeline.Time;
using Microsoft.Extensions.Logging;

namespace CdrFunctions.Pipeline.Normalize;

/// <summary>
/// The quarantine container: one JSON line per bad record of a raw blob (<c>{stem}.jsonl</c>), and the calls a blob
/// holds outside its window that the owning window does not hold (<c>{stem}.outside.jsonl</c>).
/// </summary>
public sealed class QuarantineWriter(CdrStorage storage, CallClaims claims, ILogger<QuarantineWriter> logger)
{
    public static string OutsideReportName(RawBlobName name) => name.QuarantineName[..^".jsonl".Length] + ".outside.jsonl";

    /// <summary>One JSON line per entry; the blob is removed when a re-run finds nothing bad. Returns its name, or null when removed.</summary>
    public async Task<string?> WriteAsync(string quarantineName, string rawBlobName, IReadOnlyCollection<Quarantined> entries, CancellationToken cancellationToken)
    {
        var blob = storage.Quarantine.GetBlobClient(quarantineName);
        if (entries.Count == 0)
        {
            await blob.DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return null;
        }
        var sb = new StringBuilder();
        foreach (var q in entries)
        {
            sb.Append(JsonSerializer.Serialize(new { rawBlob = rawBlobName, position = q.Position, reason = q.Reason, fileLevel = q.FileLevel, raw = q.Raw }, CallJson.Options)).Append('\n');
        }
        await blob.UploadAsync(BinaryData.FromString(sb.ToString()), overwrite: true, cancellationToken).ConfigureAwait(false);
        logger.LogWarning("Quarantined {Count} record(s) of {Blob} to {Quarantine}", entries.Count, rawBlobName, quarantineName);
        return quarantineName;
    }

    /// <summary>
    /// Reports the calls <paramref name="blob"/> holds outside its window that the owning window does not hold, with
    /// the reason, in its outside report; the report is removed once every one is confirmed. Returns how many.
    /// </summary>
    public async Task<int> ReportStraysAsync(string blob, CancellationToken cancellationToken)
    {
        if (!RawBlobName.TryParse(blob, out var name))
        {
            return 0;
        }
        var strays = await claims.ReadStraysAsync(blob, cancellationToken).ConfigureAwait(false);
        var unconfirmed = new List<Quarantined>();
        foreach (var group in strays.GroupBy(s => s.Owner, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var held = await claims.ClaimedIdsAsync(group.Key, cancellationToken).ConfigureAwait(false);
            foreach (var s in group.Where(s => !held.Contains(s.CallId)).OrderBy(s => s.CallId, StringComparer.Ordinal))
            {
                unconfirmed.Add(new Quarantined(
                    $"callId {Quarantined.Cap(s.CallId)}",
                    $"the call starts at {IsoUtc.Format(s.Start)}, outside this file's window; the window that owns it ({group.Key}) does not hold it (not pulled yet, or the vendor left it out)",
                    s.Raw));
            }
        }
        await WriteAsync(OutsideReportName(name), blob, unconfirmed, cancellationToken).ConfigureAwait(false);
        return unconfirmed.Count;
    }
}
