param serverName string = 'pg-shared'

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' existing = {
  name: serverName
}

resource configuration0 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  parent: server
  name: 'log_checkpoints'
  properties: {
    value: 'off'
    source: 'user-override'
  }
}
