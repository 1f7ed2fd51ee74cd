# azd postdeploy hook (Windows): subscribe the Event Grid blob trigger to blobs committed in cdr-raw.
# Same steps as post-up.sh; reads the same azd outputs. Safe to re-run: `create` replaces the subscription.
$ErrorActionPreference = 'Stop'

if (-not (Get-Command az -ErrorAction SilentlyContinue)) {
    throw "post-up: the Azure CLI (az) is required; sign in with 'az login'."
}
foreach ($name in 'AZURE_FUNCTION_APP_NAME', 'AZURE_FUNCTION_APP_HOST', 'RESOURCE_GROUP', 'EVENT_GRID_SYSTEM_TOPIC_NAME', 'BLOB_TRIGGER_FUNCTION_NAME') {
    if (-not [Environment]::GetEnvironmentVariable($name)) {
        throw "post-up: $name is not set (run through azd, or set it)."
    }
}
$app = $env:AZURE_FUNCTION_APP_NAME
$group = $env:RESOURCE_GROUP

# The host creates the blobs_extension system key when it first starts with a blob trigger: wait for it.
$key = ''
for ($attempt = 1; $attempt -le 30 -and -not $key; $attempt++) {
    $key = az functionapp keys list -n $app -g $group --query 'systemKeys.blobs_extension' -o tsv 2>$null
    if (-not $key) {
        Write-Host "post-up: waiting for the blobs_extension key ($attempt/30)..."
        Start-Sleep -Seconds 10
    }
}
if (-not $key) {
    throw "post-up: no blobs_extension key on $app; is the Event Grid blob trigger deployed and the app running?"
}

$endpoint = "https://$($env:AZURE_FUNCTION_APP_HOST)/runtime/webhooks/blobs?functionName=Host.Functions.$($env:BLOB_TRIGGER_FUNCTION_NAME)&code=$key"

# Only blobs in cdr-raw, and only once committed (PutBlob / PutBlockList / CopyBlob; FlushWithClose on HNS).
az eventgrid system-topic event-subscription create `
    --name cdr-raw-blob-created `
    --resource-group $group `
    --system-topic-name $env:EVENT_GRID_SYSTEM_TOPIC_NAME `
    --endpoint-type webhook `
    --endpoint $endpoint `
    --included-event-types Microsoft.Storage.BlobCreated `
    --subject-begins-with /blobServices/default/containers/cdr-raw/ `
    --advanced-filter data.api StringIn PutBlob PutBlockList CopyBlob FlushWithClose `
    --max-delivery-attempts 30 `
    --event-ttl 1440 `
    --output none
if ($LASTEXITCODE -ne 0) { throw "post-up: creating the Event Grid subscription failed." }

Write-Host "post-up: Event Grid subscription cdr-raw-blob-created -> $($env:BLOB_TRIGGER_FUNCTION_NAME) on $app."
