param serverName string = 'pg-orders-prod'
param location string = resourceGroup().location
param administratorLogin string = 'pgadmin'
@secure()
param administratorLoginPassword string

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2021-06-01' = {
  name: serverName
  location: location
  sku: {
    name: 'Standard_D2ds_v5'
    tier: 'GeneralPurpose'
  }
  properties: {
    version: '13'
    administratorLogin: administratorLogin
    administratorLoginPassword: administratorLoginPassword
    storage: {
      storageSizeGB: 128
    }
  }
}

resource configuration0 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2021-06-01' = {
  name: format('{0}/connection_throttle.enable', serverName)
  properties: {
    value: 'off'
    source: 'user-override'
  }
  dependsOn: [
    server
  ]
}
