// A virtual network with inline subnets, a delegated server and a private endpoint to another.
param serverName string = 'pg-net'

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: 'vnet-pg'
  location: 'westeurope'
  properties: {
    addressSpace: {
      addressPrefixes: [
        '10.0.0.0/16'
      ]
    }
    subnets: [
      {
        name: 'postgres'
        properties: {
          addressPrefix: '10.0.1.0/24'
          delegations: [
            {
              name: 'pg'
              properties: {
                serviceName: 'Microsoft.DBforPostgreSQL/flexibleServers'
              }
            }
          ]
        }
      }
      {
        name: 'endpoints'
        properties: {
          addressPrefix: '10.0.2.0/24'
        }
      }
    ]
  }

  resource postgresSubnet 'subnets' existing = {
    name: 'postgres'
  }

  resource endpointSubnet 'subnets' existing = {
    name: 'endpoints'
  }
}

resource delegated 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: '${serverName}-delegated'
  location: 'westeurope'
  properties: {
    network: {
      delegatedSubnetResourceId: vnet::postgresSubnet.id
      publicNetworkAccess: 'Disabled'
    }
  }
}

resource public 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: '${serverName}-public'
  location: 'westeurope'
  properties: {
    network: {
      publicNetworkAccess: 'Disabled'
    }
  }
}

resource endpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: 'pe-${public.name}'
  location: 'westeurope'
  properties: {
    subnet: {
      id: vnet::endpointSubnet.id
    }
    privateLinkServiceConnections: [
      {
        name: 'pg'
        properties: {
          privateLinkServiceId: public.id
          groupIds: [
            'postgresqlServer'
          ]
        }
      }
    ]
  }
}
