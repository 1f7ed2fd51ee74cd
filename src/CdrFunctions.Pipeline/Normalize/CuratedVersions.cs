using Azure;
using Azure.Data.Tables;
using CdrFunctions.Pipeline.Storage;

namespace CdrFunctions.Pipeline.Normalize;

/// <summary>
/// One row per raw blob in <c>CdrClaims</c> (<c>v|{blob key}</c>) whose ETag changes whenever a normalization changes
/// which calls the blob owns. A curated file is written from a snapshot of the owners; reading the ETag before the
/// snapshot and again after the upload tells a writer whether a concurrent normalization changed the owners in
/// between, so the last upload of every curated file is from a snapshot taken after the last change.
/// </summary>
public sealed class CuratedVersions(CdrStorage storage)
{
    private const string RowKey = "v";

    private static string Partition(string blob) => $"v|{CallSource.BlobKey(blob)}";

    /// <summary>The blob's current version, or null when no normalization has touched it yet.</summary>
    public async Task<ETag?> ReadAsync(string blob, CancellationToken cancellationToken)
    {
        var row = await storage.Claims.GetEntityIfExistsAsync<TableEntity>(Partition(blob), RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? row.Value!.ETag : null;
    }

    /// <summary>Marks the blob's owners as changed (after the change, before its curated files are rewritten).</summary>
    public async Task TouchAsync(string blob, CancellationToken cancellationToken) =>
        await storage.Claims.UpsertEntityAsync(Entity(blob), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Marks the blob's owners as changed only if its version is still <paramref name="seen"/>; the new version, or
    /// null when another normalization changed it in between.
    /// </summary>
    public async Task<ETag?> TryTouchAsync(string blob, ETag? seen, CancellationToken cancellationToken)
    {
        try
        {
            var response = seen is { } etag
                ? await storage.Claims.UpdateEntityAsync(Entity(blob), etag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false)
                : await storage.Claims.AddEntityAsync(Entity(blob), cancellationToken).ConfigureAwait(false);
            return response.Headers.ETag;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
        {
            return null;
        }
    }

    private static TableEntity Entity(string blob) => new(Partition(blob), RowKey) { ["Blob"] = blob, ["Change"] = Guid.NewGuid().ToString("N") };
}
