// Key Vault in RBAC mode for the vendor secrets. App settings reference them (@Microsoft.KeyVault(...)),
// resolved with the app's identity. Secrets are normally set after provisioning (README); values passed
// in secretValues (e.g. from CI secrets) are written here. Purge protection: a deleted vault or secret stays
// recoverable for the retention period and nobody, not even an Owner, can purge it earlier.
param name string
param location string
param tags object

@description('Secret name → value, written to the vault. Empty: set the secrets yourself.')
@secure()
param secretValues object

@description('Log Analytics workspace that receives the vault\'s audit log (every secret read and change).')
param logAnalyticsWorkspaceId string

@description('''true: deny public network traffic except from allowedIpRanges and virtualNetworkSubnetId. Key Vault references
in app settings do not resolve from a network-restricted vault on Flex Consumption: keep false while the app reads its
secrets that way.''')
param networkRestricted bool

@description('Public IPv4 addresses or CIDR ranges allowed when networkRestricted.')
param allowedIpRanges array

@description('Subnet (with the Microsoft.KeyVault service endpoint) allowed when networkRestricted; empty: none.')
param virtualNetworkSubnetId string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled' // the firewall below decides
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: networkRestricted ? 'Deny' : 'Allow'
      ipRules: map(allowedIpRanges, ip => { value: ip })
      virtualNetworkRules: empty(virtualNetworkSubnetId) ? [] : [{ id: virtualNetworkSubnetId, ignoreMissingVnetServiceEndpoint: false }]
    }
  }
}

resource secrets 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = [
  for secret in items(secretValues): {
    parent: vault
    name: secret.key
    properties: { value: secret.value }
  }
]

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: vault
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [{ categoryGroup: 'audit', enabled: true }]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

output id string = vault.id
output name string = vault.name
