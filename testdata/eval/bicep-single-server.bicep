// The single server (servers@2017-12-01) with a firewall rule and a literal id.
param adminPassword string

resource single 'Microsoft.DBforPostgreSQL/servers@2017-12-01' = {
  name: 'pg-single'
  location: 'westeurope'
  sku: {
    name: 'GP_Gen5_2'
    tier: 'GeneralPurpose'
    capacity: 2
  }
  properties: {
    createMode: 'Default'
    sslEnforcement: 'Enabled'
    minimalTlsVersion: 'TLS1_2'
    publicNetworkAccess: 'Enabled'
    administratorLogin: 'pgadmin'
    administratorLoginPassword: adminPassword
  }
}

resource rule 'Microsoft.DBforPostgreSQL/servers/firewallRules@2017-12-01' = {
  parent: single
  name: 'AllowAllWindowsAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

resource endpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: 'pe-single'
  location: 'westeurope'
  properties: {
    subnet: {
      id: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/net-rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/endpoints'
    }
    privateLinkServiceConnections: [
      {
        name: 'pg'
        properties: {
          privateLinkServiceId: resourceId('Microsoft.DBforPostgreSQL/servers', 'pg-single')
          groupIds: [
            'postgresqlServer'
          ]
        }
      }
    ]
  }
}
