// Fixtures are judged on 2026-12-03 (tests/rules.rs). Every version the parameter allows is past its end of life.
param serverName string = 'pg-orders-prod'
param location string = resourceGroup().location
param administratorLogin string = 'pgadmin'
@secure()
param administratorLoginPassword string
@allowed([
  '12'
  '13'
  '14'
])
param postgresVersion string

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: serverName
  location: location
  sku: {
    name: 'Standard_D2ds_v5'
    tier: 'GeneralPurpose'
  }
  properties: {
    version: postgresVersion
    administratorLogin: administratorLogin
    administratorLoginPassword: administratorLoginPassword
    storage: {
      storageSizeGB: 128
    }
  }
}
