// Fixtures are judged on 2026-12-03 (tests/rules.rs). PostgreSQL 14 reached its end of life on 2026-11-12.
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
    version: '14'
    administratorLogin: administratorLogin
    administratorLoginPassword: administratorLoginPassword
    storage: {
      storageSizeGB: 128
    }
  }
}
