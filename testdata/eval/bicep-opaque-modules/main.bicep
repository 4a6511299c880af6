// Modules pgguard cannot see: a registry module and a missing local file.
resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'pg-opaque'
  location: 'westeurope'
  properties: {
    network: {
      publicNetworkAccess: 'Disabled'
    }
  }
}

module endpoint 'br/public:avm/res/network/private-endpoint:0.12.0' = {
  name: 'endpoint'
  params: {
    name: 'pe-opaque'
    subnetResourceId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/net-rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/endpoints'
    privateLinkServiceConnections: [
      {
        name: 'pg'
        properties: {
          privateLinkServiceId: server.id
          groupIds: [
            'postgresqlServer'
          ]
        }
      }
    ]
  }
}

module missing 'modules/missing.bicep' = {
  name: 'missing'
  params: {
    serverName: server.name
  }
}
