using Azure.Storage.Blobs;
using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Pipeline.Storage;
using Microsoft.Azure.Functions.Worker;

namespace CdrFunctions;

/// <summary>
/// Normalizes each raw blob. Two twins, one method: Flex Consumption supports only the Event Grid source and
/// Azurite sends no events, so the polling twin serves local runs and Premium/Dedicated plans; disable the unused
/// one with <c>AzureWebJobs.&lt;FunctionName&gt;.Disabled=true</c>. Data errors are quarantined, never thrown;
/// storage errors throw, so the runtime retries and finally parks the blob in the poison queue.
/// </summary>
public sealed class NormalizeFunctions(RawBlobProcessor processor)
{
    [Function("NormalizeRawBlob")]
    public Task NormalizeFromEventGrid(
        [BlobTrigger(CdrStorageNames.RawContainer + "/{name}", Source = BlobTriggerSource.EventGrid, Connection = CdrStorageNames.ConnectionName)] BlobClient blob,
        CancellationToken cancellationToken) =>
        processor.ProcessAsync(blob.Name, cancellationToken);

    [Function("NormalizeRawBlobPolling")]
    public Task NormalizeFromPolling(
        [BlobTrigger(CdrStorageNames.RawContainer + "/{name}", Source = BlobTriggerSource.LogsAndContainerScan, Connection = CdrStorageNames.ConnectionName)] BlobClient blob,
        CancellationToken cancellationToken) =>
        processor.ProcessAsync(blob.Name, cancellationToken);
}
