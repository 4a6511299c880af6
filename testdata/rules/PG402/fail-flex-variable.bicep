// The retention comes from a variable, written as a string.
param serverName string = 'pg-orders-prod'
param location string = resourceGroup().location
param administratorLogin string = 'pgadmin'
@secure()
param administratorLoginPassword string

var backupPolicy = {
  backupRetentionDays: '3'
  geoRedundantBackup: 'Disabled'
}

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
    backup: backupPolicy
  }
}
