// Role assignments, each at the narrowest scope that works.
// The app's identity:
//   host storage (its own account): Blob Data Owner (the host requires it; the app package lives here),
//     Queue and Table Data Contributor.
//   call data: Blob Data Owner on cdr-raw only (the blob trigger's connection requires Owner), Blob Data
//     Contributor on cdr-curated and cdr-quarantine, Queue Data Contributor (the blob trigger's queues and
//     poison queue), Table Data Contributor (calls, checkpoints, receipts).
//   Application Insights: Monitoring Metrics Publisher; Key Vault: Secrets User (read only).
// Optionally the deployer (to run `cdr` against the call data and set secrets; never the host's storage) and a
// Power BI reader (Blob Data Reader on cdr-curated only).
param dataStorageAccountName string
param hostStorageAccountName string
param applicationInsightsName string
param keyVaultName string

param appPrincipalId string

@description('Object id of the deploying user or CI principal; empty: no assignments for it.')
param deployerPrincipalId string

@description('Object id of the Power BI reader (a group, a user or a service principal); empty: none.')
param powerBiReaderPrincipalId string

@allowed(['Group', 'User', 'ServicePrincipal'])
param powerBiReaderPrincipalType string

var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
}

var appHostRoles = [roles.storageBlobDataOwner, roles.storageQueueDataContributor, roles.storageTableDataContributor]
var appDataRoles = [roles.storageQueueDataContributor, roles.storageTableDataContributor]
var deployerDataRoles = [roles.storageBlobDataContributor, roles.storageQueueDataContributor, roles.storageTableDataContributor]

resource hostStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: hostStorageAccountName
}

resource dataStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: dataStorageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'

    resource raw 'containers' existing = {
      name: 'cdr-raw'
    }

    resource curated 'containers' existing = {
      name: 'cdr-curated'
    }

    resource quarantine 'containers' existing = {
      name: 'cdr-quarantine'
    }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource appHost 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in appHostRoles: {
    name: guid(hostStorage.id, appPrincipalId, role)
    scope: hostStorage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource appData 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in appDataRoles: {
    name: guid(dataStorage.id, appPrincipalId, role)
    scope: dataStorage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource appRaw 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(dataStorage::blobService::raw.id, appPrincipalId, roles.storageBlobDataOwner)
  scope: dataStorage::blobService::raw
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appCurated 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(dataStorage::blobService::curated.id, appPrincipalId, roles.storageBlobDataContributor)
  scope: dataStorage::blobService::curated
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appQuarantine 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(dataStorage::blobService::quarantine.id, appPrincipalId, roles.storageBlobDataContributor)
  scope: dataStorage::blobService::quarantine
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appMetrics 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, appPrincipalId, roles.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appPrincipalId, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// No principalType: the deployer may be a user (azd up) or a service principal (CI).
resource deployerData 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in (empty(deployerPrincipalId) ? [] : deployerDataRoles): {
    name: guid(dataStorage.id, deployerPrincipalId, role)
    scope: dataStorage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: deployerPrincipalId
    }
  }
]

resource deployerSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  name: guid(vault.id, deployerPrincipalId, roles.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
    principalId: deployerPrincipalId
  }
}

resource powerBiReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(powerBiReaderPrincipalId)) {
  name: guid(dataStorage::blobService::curated.id, powerBiReaderPrincipalId, roles.storageBlobDataReader)
  scope: dataStorage::blobService::curated
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataReader)
    principalId: powerBiReaderPrincipalId
    principalType: powerBiReaderPrincipalType
  }
}
