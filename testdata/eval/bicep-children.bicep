// Children declared nested, with `parent:`, and named in full; `existing` references and `::`.
param serverName string = 'pg-children'

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: serverName
  location: 'westeurope'
  properties: {
    version: '16'
  }

  resource nestedConfig 'configurations' = {
    name: 'log_checkpoints'
    properties: {
      value: 'ON'
      source: 'user-override'
    }
  }

  resource nestedFullType 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {
    name: 'nested-full'
    properties: {
      startIpAddress: '10.1.0.1'
      endIpAddress: '10.1.0.2'
    }
  }
}

resource parentConfig 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  parent: server
  name: 'require_secure_transport'
  properties: {
    value: server::nestedConfig.properties.value
    source: 'user-override'
  }
}

resource fullName 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {
  name: '${serverName}/full-name'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

resource existingServer 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' existing = {
  name: 'pg-elsewhere'
  scope: resourceGroup('other-rg')

  resource existingChild 'configurations' existing = {
    name: 'ssl_min_protocol_version'
  }
}

resource sameServer 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' existing = {
  name: serverName
}

resource onExisting 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {
  parent: existingServer
  name: 'on-existing'
  properties: {
    startIpAddress: '10.2.0.1'
    endIpAddress: existingServer::existingChild.properties.value
  }
}

resource onTwin 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  parent: sameServer
  name: 'log_connections'
  properties: {
    value: 'ON'
    source: 'user-override'
    serverId: sameServer.id
    nestedName: server::nestedConfig.name
  }
}
