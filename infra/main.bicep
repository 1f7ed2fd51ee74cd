// CdrFunctions in one resource group: two storage accounts (the call data; the Functions host's own state and
// app package), Flex Consumption function app, monitoring, Key Vault for vendor secrets, Event Grid system
// topic, role assignments at the narrowest scopes (modules/rbac.bicep). docs/security.md explains the choices. `azd up` deploys it (azure.yaml);
// the Event Grid subscription is created after the code by the postdeploy hook (scripts/post-up.*).
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; names and tags derive from it.')
param environmentName string

@minLength(1)
@description('Region of every resource (Power BI reads fastest from its own tenant region).')
param location string

@description('Object id of the deploying user or CI principal (azd sets AZURE_PRINCIPAL_ID): storage data and Key Vault secrets roles, for `cdr` runs and setting secrets. Empty: none.')
param principalId string = ''

@description('Object id of the Power BI reader (group, user or service principal): Storage Blob Data Reader on cdr-curated. Empty: none.')
param powerBiReaderPrincipalId string = ''

@allowed(['Group', 'User', 'ServicePrincipal'])
param powerBiReaderPrincipalType string = 'Group'

@description('''Non-secret vendor settings: { "<Vendor>": { "<Setting>": value } } → app setting Vendors__<Vendor>__<Setting>
(":" inside a setting name, e.g. "Http:MaxRetries", → "__"). Schedules are six-field NCRONTAB in UTC.''')
param vendorSettings object = {}

@description('Secret vendor settings as Key Vault secret names: { "<Vendor>": { "<Setting>": "<secret-name>" } } → a Key Vault reference.')
param vendorSecretNames object = {}

@description('Optional secret values to write to Key Vault: { "<secret-name>": "<value>" } (e.g. from CI secrets).')
@secure()
param vendorSecretValues object = {}

@description('More app settings, as given: e.g. { "AzureWebJobs.<PollingFunction>.Disabled": "true" }.')
param extraAppSettings object = {}

@description('[Function] name of the Event Grid blob trigger; the postdeploy hook subscribes it to cdr-raw.')
param blobTriggerFunctionName string = 'NormalizeRawBlob'

@description('''One switch for the network restriction of both storage accounts: deny public traffic except from
allowedIpRanges and virtualNetworkSubnetId (trusted Azure services pass). Flex Consumption then needs virtualNetworkSubnetId
to reach its own storage, and Power BI a gateway. Off by default.''')
param networkRestricted bool = false

@description('The same for Key Vault (separate: Key Vault references do not resolve from a network-restricted vault on Flex).')
param keyVaultNetworkRestricted bool = false

@description('Public IPv4 addresses or CIDR ranges allowed through the restrictions (operators, a Power BI gateway).')
param allowedIpRanges array = []

@description('''Subnet for the app's VNet integration (delegated to Microsoft.App/environments, with the Microsoft.Storage and
Microsoft.KeyVault service endpoints), allowed through the restrictions. Empty: none.''')
param virtualNetworkSubnetId string = ''

@description('''Subnet for private endpoints of both storage accounts (blob, queue, table) and Key Vault, with private DNS zones
linked to its virtual network (not the app integration subnet). Empty: none. With networkRestricted the accounts then take no
public traffic but allowedIpRanges; the app reaches them through virtualNetworkSubnetId in the same network.''')
param privateEndpointSubnetId string = ''

@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

var tags = { 'azd-env-name': environmentName }
var token = toLower(uniqueString(subscription().id, environmentName, location))
var appName = 'func-cdr-${token}'
var deploymentContainerName = 'app-package-${take(token, 7)}'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  scope: rg
  params: {
    name: 'id-cdr-${token}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  scope: rg
  params: {
    logAnalyticsName: 'log-cdr-${token}'
    applicationInsightsName: 'appi-cdr-${token}'
    location: location
    tags: tags
  }
}

// The call data: what the pipeline, Power BI and operators read. Fixed names (CdrStorageNames in the pipeline).
module storage 'modules/storage.bicep' = {
  scope: rg
  params: {
    name: 'stcdr${take(token, 17)}'
    location: location
    tags: tags
    containers: ['cdr-raw', 'cdr-curated', 'cdr-quarantine']
    tables: ['CdrCalls', 'CdrCheckpoints', 'CdrReceipts']
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
    networkRestricted: networkRestricted
    allowedIpRanges: allowedIpRanges
    virtualNetworkSubnetId: virtualNetworkSubnetId
  }
}

// The Functions host's own storage and the app package: only the app's identity has a role on it.
module hostStorage 'modules/storage.bicep' = {
  scope: rg
  params: {
    name: 'sthost${take(token, 17)}'
    location: location
    tags: tags
    containers: [deploymentContainerName]
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
    networkRestricted: networkRestricted
    allowedIpRanges: allowedIpRanges
    virtualNetworkSubnetId: virtualNetworkSubnetId
  }
}

module vault 'modules/keyvault.bicep' = {
  scope: rg
  params: {
    name: 'kv-cdr-${take(token, 17)}'
    location: location
    tags: tags
    secretValues: vendorSecretValues
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
    networkRestricted: keyVaultNetworkRestricted
    allowedIpRanges: allowedIpRanges
    virtualNetworkSubnetId: virtualNetworkSubnetId
  }
}

module privateEndpoints 'modules/privateendpoints.bicep' = if (!empty(privateEndpointSubnetId)) {
  scope: rg
  params: {
    location: location
    tags: tags
    subnetId: privateEndpointSubnetId
    storageAccountIds: [storage.outputs.id, hostStorage.outputs.id]
    keyVaultId: vault.outputs.id
  }
}

module eventGrid 'modules/eventgrid.bicep' = {
  scope: rg
  params: {
    name: 'evgt-cdr-${token}'
    location: location
    tags: tags
    storageAccountId: storage.outputs.id
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
  }
}

// Roles first: the app reads Key Vault references and its package with its identity as soon as it exists.
module rbac 'modules/rbac.bicep' = {
  scope: rg
  params: {
    dataStorageAccountName: storage.outputs.name
    hostStorageAccountName: hostStorage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    keyVaultName: vault.outputs.name
    appPrincipalId: identity.outputs.principalId
    deployerPrincipalId: principalId
    powerBiReaderPrincipalId: powerBiReaderPrincipalId
    powerBiReaderPrincipalType: powerBiReaderPrincipalType
  }
}

module app 'modules/functionapp.bicep' = {
  scope: rg
  dependsOn: [rbac]
  params: {
    name: appName
    planName: 'plan-cdr-${token}'
    location: location
    tags: tags
    serviceName: 'api'
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    hostStorageAccountName: hostStorage.outputs.name
    dataStorageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    keyVaultName: vault.outputs.name
    vendorSettings: vendorSettings
    vendorSecretNames: vendorSecretNames
    extraAppSettings: extraAppSettings
    virtualNetworkSubnetId: virtualNetworkSubnetId
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
}

// azd stores these in the environment; the postdeploy hook and the README commands read them.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = app.outputs.name
output AZURE_FUNCTION_APP_HOST string = app.outputs.defaultHostName
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output AZURE_STORAGE_TABLE_ENDPOINT string = storage.outputs.tableEndpoint
output AZURE_HOST_STORAGE_ACCOUNT_NAME string = hostStorage.outputs.name
output AZURE_KEY_VAULT_NAME string = vault.outputs.name
output EVENT_GRID_SYSTEM_TOPIC_NAME string = eventGrid.outputs.name
output BLOB_TRIGGER_FUNCTION_NAME string = blobTriggerFunctionName
