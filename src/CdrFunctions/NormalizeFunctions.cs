// Blob triggers on cdr-raw. Checked in Azure/azure-functions-dotnet-worker,
// extensions/Worker.Extensions.Storage.Blobs/src: BlobTriggerAttribute(string blobPath) { Connection, Source },
// enum BlobTriggerSource { LogsAndContainerScan, EventGrid } (namespace Microsoft.Azure.Functions.Worker);
// BlobClient is bound lazily (no download), the normalizer streams the blob itself.
// Two twins, one method: Flex Consumption supports only the Event Grid source, and Azurite sends no events,
// so the polling twin serves local runs and Premium/Dedicated plans. Disable the unused one with the app
// setting AzureWebJobs.<FunctionName>.Disabled=true (local.settings.sample.json disables the Event Grid one).
// Data errors never throw (they are quarantined); storage errors do, so the runtime retries and after
// host.json's poisonBlobThreshold parks the blob in the webjobs-blobtrigger-poison queue.
using Azure.Storage.Blobs;
using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Pipeline.Storage;
using Microsoft.Azure.Functions.Worker;

namespace CdrFunctions;

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
