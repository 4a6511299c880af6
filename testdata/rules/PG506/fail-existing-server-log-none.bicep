param serverName string = 'pg-shared'

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' existing = {
  name: serverName
}

resource configuration0 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  name: format('{0}/pgaudit.log', serverName)
  properties: {
    value: 'none'
    source: 'user-override'
  }
}
