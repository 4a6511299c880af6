param serverName string = 'pg-orders-prod'
param location string = resourceGroup().location
param administratorLogin string = 'pgadmin'
@secure()
param administratorLoginPassword string
param keyName string = 'kv-orders_pg-orders_0123456789abcdef0123456789abcdef'

resource server 'Microsoft.DBforPostgreSQL/servers@2017-12-01' = {
  name: serverName
  location: location
  sku: {
    name: 'GP_Gen5_2'
    tier: 'GeneralPurpose'
    family: 'Gen5'
    capacity: 2
  }
  identity: {
    type: 'SystemAssigned'
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
      geoRedundantBackup: 'Enabled'
    }
  }
}

resource key 'Microsoft.DBforPostgreSQL/servers/keys@2020-01-01' = {
  name: concat(serverName, '/', keyName)
  properties: {
    serverKeyType: 'AzureKeyVault'
    uri: 'https://kv-orders.vault.azure.net/keys/pg-orders/0123456789abcdef0123456789abcdef'
  }
  dependsOn: [
    server
  ]
}
