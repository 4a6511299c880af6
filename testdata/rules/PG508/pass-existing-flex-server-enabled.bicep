// Threat protection turned on for a server the template does not create.
param serverName string = 'pg-shared'

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' existing = {
  name: serverName
}

resource advancedThreatProtectionSetting0 'Microsoft.DBforPostgreSQL/flexibleServers/advancedThreatProtectionSettings@2024-08-01' = {
  parent: server
  name: 'Default'
  properties: {
    state: 'Enabled'
  }
}
