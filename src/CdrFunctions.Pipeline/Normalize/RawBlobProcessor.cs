using Azure;
using CdrFunctions.Pipeline.Storage;
using Microsoft.Extensions.Logging;

namespace CdrFunctions.Pipeline.Normalize;

/// <summary>
/// What happens when a raw blob is created or changed; called by both Functions blob triggers (Event Grid
/// and polling) and by the local poller. Bad data never throws (it is quarantined by the normalizer);
/// storage errors do, so the Functions runtime retries and finally parks the blob in the poison queue.
/// </summary>
public sealed class RawBlobProcessor(Normalizer normalizer, BlobStatusStore status, ILogger<RawBlobProcessor> logger)
{
    public async Task<NormalizeResult> ProcessAsync(string rawBlobName, CancellationToken cancellationToken)
    {
        try
        {
            return await normalizer.NormalizeAsync(rawBlobName, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var reason = e is RequestFailedException r ? $"storage error {r.Status}: {r.ErrorCode ?? r.Message}" : $"{e.GetType().Name}: {e.Message}";
            logger.LogError(e, "Normalizing {Blob} failed ({Reason}); it will be retried", rawBlobName, reason);
            await RecordFailureAsync(rawBlobName, reason).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Best effort: the failure is visible in status unless storage itself is what failed.</summary>
    private async Task RecordFailureAsync(string rawBlobName, string reason)
    {
        try
        {
            await status.RecordFailureAsync(rawBlobName, reason, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RequestFailedException or StorageUnreachableException)
        {
            logger.LogWarning("Could not record the failure of {Blob} in the status table: {Message}", rawBlobName, e.Message);
        }
    }
}
