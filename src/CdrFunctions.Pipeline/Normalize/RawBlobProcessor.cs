using Azure;
using Microsoft.Extensions.Logging;

namespace CdrFunctions.Pipeline.Normalize;

/// <summary>
/// What happens when a raw blob is created or changed; called by both Functions blob triggers (Event Grid
/// and polling) and by the local poller. Bad data never throws (it is quarantined by the normalizer);
/// storage errors do, so the Functions runtime retries and finally parks the blob in the poison queue.
/// </summary>
public sealed class RawBlobProcessor(Normalizer normalizer, ILogger<RawBlobProcessor> logger)
{
    public async Task<NormalizeResult> ProcessAsync(string rawBlobName, CancellationToken cancellationToken)
    {
        try
        {
            return await normalizer.NormalizeAsync(rawBlobName, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e)
        {
            logger.LogError(e, "Normalizing {Blob} failed on storage (status {Status}); it will be retried", rawBlobName, e.Status);
            throw;
        }
    }
}
