param serverName string = 'pg-legacy-billing'
param location string = resourceGroup().location
param administratorLogin string = 'pgadmin'
@secure()
param administratorLoginPassword string
param vnetName string = 'vnet-orders-prod'

resource vnet 'Microsoft.Network/virtualNetworks@2023-11-01' existing = {
  name: vnetName

  resource endpointSubnet 'subnets' existing = {
    name: 'private-endpoints'
  }
}

resource server 'Microsoft.DBforPostgreSQL/servers@2017-12-01' = {
  name: serverName
  location: location
  sku: {
    name: 'GP_Gen5_2'
    tier: 'GeneralPurpose'
    family: 'Gen5'
    capacity: 2
  }
  properties: {
    createMode: 'Default'
    version: '11'
    administratorLogin: administratorLogin
    administratorLoginPassword: administratorLoginPassword
    sslEnforcement: 'Enabled'
    minimalTlsVersion: 'TLS1_2'
    storageProfile: {
      storageMB: 102400
      backupRetentionDays: 7
    }
    publicNetworkAccess: 'Disabled'
  }
}

resource endpoint 'Microsoft.Network/privateEndpoints@2023-11-01' = {
  name: 'pe-${serverName}'
  location: location
  properties: {
    subnet: {
      id: vnet::endpointSubnet.id
    }
    manualPrivateLinkServiceConnections: [
      {
        name: serverName
        properties: {
          privateLinkServiceId: server.id
          groupIds: [
            'postgresqlServer'
          ]
          requestMessage: 'Billing API access'
        }
      }
    ]
  }
}
