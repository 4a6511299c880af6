param serverName string = 'pg-orders-prod'
param location string = resourceGroup().location
param administratorLogin string = 'pgadmin'
@secure()
param administratorLoginPassword string

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2022-12-01' = {
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

resource configuration0 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2022-12-01' = {
  name: format('{0}/shared_preload_libraries', serverName)
  properties: {
    value: 'pgaudit'
    source: 'user-override'
  }
  dependsOn: [
    server
  ]
}

resource configuration1 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2022-12-01' = {
  name: concat(serverName, '/pgaudit.log')
  properties: {
    value: 'write'
    source: 'user-override'
  }
  dependsOn: [
    server
  ]
}
