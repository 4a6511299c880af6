param serverName string
param publicAccess string
param location string = 'westeurope'

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: serverName
  location: location
  properties: {
    version: '16'
    network: {
      publicNetworkAccess: publicAccess
    }
  }
}

resource rule 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {
  parent: server
  name: 'office'
  properties: {
    startIpAddress: '10.0.0.1'
    endIpAddress: '10.0.0.255'
  }
}

output serverName string = server.name
output serverId string = server.id
