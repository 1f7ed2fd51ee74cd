// Flex Consumption (FC1) plan + Linux function app, .NET 10 isolated, with a user-assigned identity and
// identity-based connections only: AzureWebJobsStorage on the host's own account, CdrStorage on the call data. Flex rejects FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION,
// WEBSITE_RUN_FROM_PACKAGE, WEBSITE_CONTENT*, WEBSITE_TIME_ZONE and linuxFxVersion: the runtime comes from
// functionAppConfig.runtime and timers run in UTC.
param name string
param planName string
param location string
param tags object

@description('azure.yaml service this app hosts (azd finds the app by this tag).')
param serviceName string

param identityId string
param identityClientId string

@description('The host\'s own storage account (AzureWebJobsStorage, the deployment package).')
param hostStorageAccountName string

@description('The call data account (CdrStorage: the pipeline and the blob trigger).')
param dataStorageAccountName string

param deploymentContainerName string
param applicationInsightsConnectionString string
param keyVaultName string

@description('Vendor → { setting → value }; each becomes app setting Vendors__{vendor}__{setting} (":" in a setting name → "__").')
param vendorSettings object

@description('Vendor → { setting → Key Vault secret name }; each becomes a Key Vault reference in Vendors__{vendor}__{setting}.')
param vendorSecretNames object

@description('Further app settings, as given (e.g. AzureWebJobs.<Function>.Disabled).')
param extraAppSettings object

@description('Subnet for outbound VNet integration (delegated to Microsoft.App/environments); empty: none.')
param virtualNetworkSubnetId string

@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@allowed([512, 2048, 4096])
param instanceMemoryMB int

resource hostStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: hostStorageAccountName
}

resource dataStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: dataStorageAccountName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true } // Linux
}

// One app setting per vendor setting: Vendors__{vendor}__{setting}.
func settingName(vendor string, setting string) string => 'Vendors__${vendor}__${replace(setting, ':', '__')}'

func plainSettings(vendor string, settings object) array =>
  map(items(settings), s => { name: settingName(vendor, s.key), value: string(s.value) })

func secretReferences(vault string, vendor string, secrets object) array =>
  map(items(secrets), s => {
    name: settingName(vendor, s.key)
    value: '@Microsoft.KeyVault(VaultName=${vault};SecretName=${s.value})'
  })

var vendorAppSettings = toObject(
  concat(
    flatten(map(items(vendorSettings), v => plainSettings(v.key, v.value))),
    flatten(map(items(vendorSecretNames), v => secretReferences(keyVaultName, v.key, v.value)))
  ),
  p => p.name,
  p => p.value
)

var hostBlobEndpoint = hostStorage.properties.primaryEndpoints.blob
var dataBlobEndpoint = dataStorage.properties.primaryEndpoints.blob

var platformAppSettings = {
  // Host storage (timers' locks and schedule status, blob-trigger receipts), by identity: its own account.
  AzureWebJobsStorage__blobServiceUri: hostBlobEndpoint
  AzureWebJobsStorage__queueServiceUri: hostStorage.properties.primaryEndpoints.queue
  AzureWebJobsStorage__tableServiceUri: hostStorage.properties.primaryEndpoints.table
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  // Data connection: read by CdrStorage in the pipeline, and the blob trigger's Connection. A blob trigger
  // with blobServiceUri also needs queueServiceUri (its dispatch and poison queues).
  CdrStorage__blobServiceUri: dataBlobEndpoint
  CdrStorage__queueServiceUri: dataStorage.properties.primaryEndpoints.queue
  CdrStorage__tableServiceUri: dataStorage.properties.primaryEndpoints.table
  CdrStorage__credential: 'managedidentity'
  CdrStorage__clientId: identityClientId
  // Telemetry with Entra ID (the component has local auth off).
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    virtualNetworkSubnetId: empty(virtualNetworkSubnetId) ? null : virtualNetworkSubnetId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${hostBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0' // '10' is rejected
      }
    }
  }

  resource appSettings 'config' = {
    name: 'appsettings'
    properties: union(vendorAppSettings, extraAppSettings, platformAppSettings)
  }

  // No publishing with user name and password (FTP or the SCM site): deployments authenticate with Entra ID.
  resource ftpBasicAuth 'basicPublishingCredentialsPolicies' = {
    name: 'ftp'
    properties: { allow: false }
  }

  resource scmBasicAuth 'basicPublishingCredentialsPolicies' = {
    name: 'scm'
    properties: { allow: false }
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
