#!/bin/sh
# azd postdeploy hook: subscribe the Event Grid blob trigger to blobs committed in cdr-raw.
# Reads azd outputs: AZURE_FUNCTION_APP_NAME, AZURE_FUNCTION_APP_HOST, RESOURCE_GROUP,
# EVENT_GRID_SYSTEM_TOPIC_NAME, BLOB_TRIGGER_FUNCTION_NAME. Safe to re-run: `create` replaces the subscription.
set -eu

command -v az >/dev/null 2>&1 || { echo "post-up: the Azure CLI (az) is required; sign in with 'az login'." >&2; exit 1; }
for var in AZURE_FUNCTION_APP_NAME AZURE_FUNCTION_APP_HOST RESOURCE_GROUP EVENT_GRID_SYSTEM_TOPIC_NAME BLOB_TRIGGER_FUNCTION_NAME; do
  eval "value=\${$var:-}"
  [ -n "$value" ] || { echo "post-up: $var is not set (run through azd, or export it)." >&2; exit 1; }
done

# The host creates the blobs_extension system key when it first starts with a blob trigger: wait for it.
key=""
attempt=0
while [ -z "$key" ] && [ "$attempt" -lt 30 ]; do
  key=$(az functionapp keys list -n "$AZURE_FUNCTION_APP_NAME" -g "$RESOURCE_GROUP" \
          --query "systemKeys.blobs_extension" -o tsv 2>/dev/null || true)
  if [ -z "$key" ]; then
    attempt=$((attempt + 1))
    echo "post-up: waiting for the blobs_extension key ($attempt/30)..."
    sleep 10
  fi
done
[ -n "$key" ] || { echo "post-up: no blobs_extension key on $AZURE_FUNCTION_APP_NAME; is the Event Grid blob trigger deployed and the app running?" >&2; exit 1; }

endpoint="https://${AZURE_FUNCTION_APP_HOST}/runtime/webhooks/blobs?functionName=Host.Functions.${BLOB_TRIGGER_FUNCTION_NAME}&code=${key}"

# Only blobs in cdr-raw, and only once committed (PutBlob / PutBlockList / CopyBlob; FlushWithClose on HNS).
az eventgrid system-topic event-subscription create \
  --name cdr-raw-blob-created \
  --resource-group "$RESOURCE_GROUP" \
  --system-topic-name "$EVENT_GRID_SYSTEM_TOPIC_NAME" \
  --endpoint-type webhook \
  --endpoint "$endpoint" \
  --included-event-types Microsoft.Storage.BlobCreated \
  --subject-begins-with /blobServices/default/containers/cdr-raw/ \
  --advanced-filter data.api StringIn PutBlob PutBlockList CopyBlob FlushWithClose \
  --max-delivery-attempts 30 \
  --event-ttl 1440 \
  --output none

echo "post-up: Event Grid subscription cdr-raw-blob-created → ${BLOB_TRIGGER_FUNCTION_NAME} on ${AZURE_FUNCTION_APP_NAME}."
