// Parameters with and without defaults, variables, interpolation, ternary, object spreads.
param prefix string = 'orders'
param environment string = 'prod'
param location string
param highAvailability bool = true
param extraNetwork object

var serverName = 'pg-${prefix}-${environment}'
var unknownName = 'pg-${location}'
var isProd = environment == 'prod'
var tier = isProd ? 'GeneralPurpose' : 'Burstable'
var baseProperties = {
  version: '16'
  storage: { storageSizeGB: 128 }
}
var network = {
  publicNetworkAccess: 'Enabled'
  ...extraNetwork
}

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: serverName
  location: location
  sku: {
    name: isProd ? 'Standard_D4ds_v5' : 'Standard_B1ms'
    tier: tier
  }
  properties: {
    ...baseProperties
    highAvailability: {
      mode: highAvailability ? 'ZoneRedundant' : 'Disabled'
    }
    network: {
      publicNetworkAccess: 'Disabled'
    }
    backup: {}
    replicationRole: null
  }
}

resource other 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: unknownName
  location: 'westeurope'
  properties: {
    network: network
    authConfig: {
      activeDirectoryAuth: location == 'westeurope' ? 'Enabled' : 'Disabled'
    }
    tags: [
      'a'
      1
      true
    ]
    emptyList: []
  }
}
