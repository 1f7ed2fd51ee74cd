// Key Vault in RBAC mode for the vendor secrets. App settings reference them (@Microsoft.KeyVault(...)),
// resolved with the app's identity. Secrets are normally set after provisioning (README); values passed
// in secretValues (e.g. from CI secrets) are written here.
param name string
param location string
param tags object

@description('Secret name → value, written to the vault. Empty: set the secrets yourself.')
@secure()
param secretValues object

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
    publicNetworkAccess: 'Enabled' // Key Vault references do not work with a network-restricted vault on Flex
  }
}

resource secrets 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = [
  for secret in items(secretValues): {
    parent: vault
    name: secret.key
    properties: { value: secret.value }
  }
]

output id string = vault.id
output name string = vault.name
