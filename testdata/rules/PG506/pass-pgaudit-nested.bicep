param serverName string = 'pg-orders-prod'
param location string = resourceGroup().location
param administratorLogin string = 'pgadmin'
@secure()
param administratorLoginPassword string

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
  }

  resource child0 'configurations' = {
    name: 'shared_preload_libraries'
    properties: {
      value: 'pg_stat_statements,pgaudit'
      source: 'user-override'
    }
  }

  resource child1 'configurations' = {
    name: 'pgaudit.log'
    properties: {
      value: 'ddl,role'
      source: 'user-override'
    }
  }
}
