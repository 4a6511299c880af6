param serverName string = 'pg-legacy-billing'
param location string = resourceGroup().location
param administratorLogin string = 'pgadmin'
@secure()
param administratorLoginPassword string
@allowed([
  'TLS1_0'
  'TLS1_1'
])
param minimalTlsVersion string

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
    minimalTlsVersion: minimalTlsVersion
    storageProfile: {
      storageMB: 102400
      backupRetentionDays: 7
    }
  }
}
