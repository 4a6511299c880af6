param serverName string = 'pg-legacy'

resource server 'Microsoft.DBforPostgreSQL/servers@2017-12-01' existing = {
  name: serverName
}

resource configuration0 'Microsoft.DBforPostgreSQL/servers/configurations@2017-12-01' = {
  name: concat(serverName, '/log_disconnections')
  properties: {
    value: 'off'
    source: 'user-override'
  }
}
