// Loops inside values, functions over arrays and objects, and an unknown spread.
param subnetNames array = [
  'postgres'
  'endpoints'
]
param extraTags object
param suffix string

var defaults = {
  owner: 'data'
  env: 'prod'
}
var tags = union(defaults, { cost: 'db' })

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: 'vnet-${suffix}'
  location: 'westeurope'
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: concat([ '10.0.0.0/16' ], [ '10.1.0.0/16' ])
    }
    subnets: [for (name, i) in subnetNames: {
      name: name
      properties: {
        addressPrefix: '10.0.${i}.0/24'
      }
    }]
  }
}

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: toLower('PG-${suffix}')
  location: 'westeurope'
  tags: {
    ...defaults
    ...extraTags
    fixed: 'yes'
  }
  properties: {
    version: string(16)
    network: {
      publicNetworkAccess: contains(subnetNames, 'endpoints') ? 'Disabled' : 'Enabled'
    }
    storage: {
      storageSizeGB: length(subnetNames) * 64
    }
    firstSubnet: first(subnetNames)
    missing: defaults.?absent ?? 'fallback'
  }
}
