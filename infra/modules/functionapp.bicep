// Flex Consumption (FC1) plan + Linux function app, .NET 10 isolated, with a user-assigned identity and
// identity-based connections only. Flex rejects FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION,
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

param storageAccountName string
param deploymentContainerName string
param applicationInsightsConnectionString string
param keyVaultName string

@description('Vendor → { setting → value }; each becomes app setting Vendors__{vendor}__{setting} (":" in a setting name → "__").')
param vendorSettings object

@description('Vendor → { setting → Key Vault secret name }; each becomes a Key Vault reference in Vendors__{vendor}__{setting}.')
param vendorSecretNames object

@description('Further app settings, as given (e.g. AzureWebJobs.<Function>.Disabled).')
param extraAppSettings object

@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@allowed([512, 2048, 4096])
param instanceMemoryMB int

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
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

var blobEndpoint = storage.properties.primaryEndpoints.blob
var queueEndpoint = storage.properties.primaryEndpoints.queue
var tableEndpoint = storage.properties.primaryEndpoints.table

var platformAppSettings = {
  // Host storage (timers' locks and schedule status, blob-trigger receipts and queues), by identity.
  AzureWebJobsStorage__blobServiceUri: blobEndpoint
  AzureWebJobsStorage__queueServiceUri: queueEndpoint
  AzureWebJobsStorage__tableServiceUri: tableEndpoint
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  // Data connection: read by CdrStorage in the pipeline, and the blob trigger's Connection. A blob trigger
  // with blobServiceUri also needs queueServiceUri (its dispatch and poison queues).
  CdrStorage__blobServiceUri: blobEndpoint
  CdrStorage__queueServiceUri: queueEndpoint
  CdrStorage__tableServiceUri: tableEndpoint
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
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
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
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
