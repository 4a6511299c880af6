// A Basic single server cannot use Defender: the rule does not apply to it.
param serverName string = 'pg-orders-prod'
param location string = resourceGroup().location
param administratorLogin string = 'pgadmin'
@secure()
param administratorLoginPassword string

resource server 'Microsoft.DBforPostgreSQL/servers@2017-12-01' = {
  name: serverName
  location: location
  sku: {
    name: 'B_Gen5_2'
    tier: 'Basic'
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

resource reporting 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'pg-reporting'
  location: location
  properties: {
    version: '16'
  }
}

resource reportingThreatProtection 'Microsoft.DBforPostgreSQL/flexibleServers/advancedThreatProtectionSettings@2024-08-01' = {
  parent: reporting
  name: 'Default'
  properties: {
    state: 'Enabled'
  }
}
