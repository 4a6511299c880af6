param serverName string = 'pg-orders-prod'
param location string = resourceGroup().location
param administratorLogin string = 'pgadmin'
@secure()
param administratorLoginPassword string

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
    version: '16'
    administratorLogin: administratorLogin
    administratorLoginPassword: administratorLoginPassword
    sslEnforcement: 'Enabled'
    minimalTlsVersion: 'TLS1_2'
    storageProfile: {
      storageMB: 51200
      backupRetentionDays: 7
    }
  }
}

resource configuration0 'Microsoft.DBforPostgreSQL/servers/configurations@2017-12-01' = {
  name: format('{0}/connection_throttling', serverName)
  properties: {
    value: 'off'
    source: 'user-override'
  }
  dependsOn: [
    server
  ]
}
