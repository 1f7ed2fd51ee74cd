// Private endpoints, one parameter away (privateEndpointSubnetId in main.bicep): the blob, queue and table endpoints of
// both storage accounts and Key Vault get a private address in the given subnet, and private DNS zones linked to its
// virtual network resolve their usual names to it there. Public access stays as networkRestricted decides.
param location string
param tags object

@description('Subnet for the private endpoints (not the app integration subnet, which is delegated).')
param subnetId string

@description('Storage accounts that get blob, queue and table endpoints.')
param storageAccountIds array

@description('Key Vault that gets a vault endpoint.')
param keyVaultId string

var virtualNetworkId = split(subnetId, '/subnets/')[0]
var storageServices = ['blob', 'queue', 'table']
// Key Vault's private link zone has no environment() suffix; this is the public cloud's.
var zoneNames = concat(map(storageServices, service => 'privatelink.${service}.${environment().suffixes.storage}'), ['privatelink.vaultcore.azure.net'])
var targets = concat(
  flatten(map(storageAccountIds, id => map(range(0, length(storageServices)), i => { id: id, group: storageServices[i], zone: i }))),
  [{ id: keyVaultId, group: 'vault', zone: length(storageServices) }]
)

resource zones 'Microsoft.Network/privateDnsZones@2020-06-01' = [
  for zoneName in zoneNames: {
    name: zoneName
    location: 'global'
    tags: tags
  }
]

resource links 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2020-06-01' = [
  for (zoneName, i) in zoneNames: {
    parent: zones[i]
    name: 'cdr-vnet'
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: false
      virtualNetwork: { id: virtualNetworkId }
    }
  }
]

resource endpoints 'Microsoft.Network/privateEndpoints@2024-05-01' = [
  for target in targets: {
    name: 'pe-${last(split(target.id, '/'))}-${target.group}'
    location: location
    tags: tags
    properties: {
      subnet: { id: subnetId }
      privateLinkServiceConnections: [
        {
          name: target.group
          properties: {
            privateLinkServiceId: target.id
            groupIds: [target.group]
          }
        }
      ]
    }
  }
]

resource zoneGroups 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = [
  for (target, i) in targets: {
    parent: endpoints[i]
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [
        {
          name: target.group
          properties: { privateDnsZoneId: zones[target.zone].id }
        }
      ]
    }
  }
]

output endpointNames array = [for (target, i) in targets: endpoints[i].name]
