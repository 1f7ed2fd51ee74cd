// One storage account. main.bicep makes two, so that nothing that reads call data shares an account with the
// Functions host's own state: the call data (raw, curated, quarantine blobs; the calls, checkpoints and receipts
// tables) and the host's storage (timer locks, blob-trigger receipts, the app package, which the host's identity
// must own). Entra ID only (shared keys off), soft delete for blobs and containers, every read/write/delete
// logged to Log Analytics, and a firewall that is one parameter away.
param name string
param location string
param tags object

@description('Blob containers to create.')
param containers array

@description('Tables to create.')
param tables array = []

@description('Log Analytics workspace that receives the blob, queue and table logs.')
param logAnalyticsWorkspaceId string

@description('true: deny public network traffic except from allowedIpRanges and virtualNetworkSubnetId (trusted Azure services still pass).')
param networkRestricted bool

@description('Public IPv4 addresses or CIDR ranges allowed when networkRestricted.')
param allowedIpRanges array

@description('Subnet (with the Microsoft.Storage service endpoint) allowed when networkRestricted; empty: none.')
param virtualNetworkSubnetId string

@minValue(1)
@maxValue(365)
@description('Days a deleted blob or container can be restored.')
param softDeleteDays int = 7

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2' // general-purpose v2: required for Event Grid blob events
  sku: { name: 'Standard_LRS' }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowCrossTenantReplication: false
    publicNetworkAccess: 'Enabled' // the firewall below decides; 'Disabled' would also shut out the allowed ranges
    networkAcls: {
      bypass: 'AzureServices, Logging, Metrics'
      defaultAction: networkRestricted ? 'Deny' : 'Allow'
      ipRules: map(allowedIpRanges, ip => { value: ip, action: 'Allow' })
      virtualNetworkRules: empty(virtualNetworkSubnetId) ? [] : [{ id: virtualNetworkSubnetId, action: 'Allow' }]
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    deleteRetentionPolicy: { enabled: true, days: softDeleteDays }
    containerDeleteRetentionPolicy: { enabled: true, days: softDeleteDays }
  }
}

resource blobContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [
  for container in containers: {
    parent: blobService
    name: container
    properties: { publicAccess: 'None' }
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource tableResources 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [
  for table in tables: {
    parent: tableService
    name: table
  }
]

// Who read, wrote or deleted what, for each service of the account.
var serviceLogs = [
  { category: 'StorageRead', enabled: true }
  { category: 'StorageWrite', enabled: true }
  { category: 'StorageDelete', enabled: true }
]
var serviceMetrics = [{ category: 'Transaction', enabled: true }]

resource blobDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: blobService
  properties: { workspaceId: logAnalyticsWorkspaceId, logs: serviceLogs, metrics: serviceMetrics }
}

resource queueDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: queueService
  properties: { workspaceId: logAnalyticsWorkspaceId, logs: serviceLogs, metrics: serviceMetrics }
}

resource tableDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: tableService
  properties: { workspaceId: logAnalyticsWorkspaceId, logs: serviceLogs, metrics: serviceMetrics }
}

output id string = storage.id
output name string = storage.name
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output queueEndpoint string = storage.properties.primaryEndpoints.queue
output tableEndpoint string = storage.properties.primaryEndpoints.table
