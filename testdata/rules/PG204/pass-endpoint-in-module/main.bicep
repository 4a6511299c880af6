param serverName string = 'pg-orders-prod'
param location string = resourceGroup().location
param administratorLogin string = 'pgadmin'
@secure()
param administratorLoginPassword string
param vnetName string = 'vnet-orders-prod'

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: serverName
  location: location
  sku: {
    name: 'Standard_D2ds_v5'
    tier: 'GeneralPurpose'
  }
  properties: {
    version: '16'
    administratorLogin: administratorLogin
    administratorLoginPassword: administratorLoginPassword
    storage: {
      storageSizeGB: 128
    }
    network: {
      publicNetworkAccess: 'Disabled'
    }
  }
}

// The endpoint lives in its own module, as the network team owns it.
module pe 'pe.bicep' = {
  name: 'pe'
  params: {
    serverId: server.id
    endpointName: 'pe-${serverName}'
    location: location
    subnetId: resourceId('Microsoft.Network/virtualNetworks/subnets', vnetName, 'private-endpoints')
  }
}
