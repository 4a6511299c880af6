// Resource loops: over an array, with an index, filtered, over a range, over an unknown array.
param serverName string = 'pg-loops'
param ranges array = [
  { name: 'office', start: '10.0.0.1', end: '10.0.0.255' }
  { name: 'all', start: '0.0.0.0', end: '255.255.255.255' }
  { name: 'azure', start: '0.0.0.0', end: '0.0.0.0' }
]
param unknownRanges array

var settings = [
  { name: 'require_secure_transport', value: 'ON', enabled: true }
  { name: 'log_connections', value: 'OFF', enabled: false }
  { name: 'log_disconnections', value: 'ON', enabled: true }
]

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: serverName
  location: 'westeurope'
  properties: {
    version: '16'
  }
}

resource rules 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = [for r in ranges: {
  parent: server
  name: r.name
  properties: {
    startIpAddress: r.start
    endIpAddress: r.end
  }
}]

resource indexed 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = [for (r, i) in ranges: {
  parent: server
  name: 'rule-${i}'
  properties: {
    startIpAddress: r.start
    endIpAddress: r.end
  }
}]

resource configs 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = [for s in settings: if (s.enabled) {
  parent: server
  name: s.name
  properties: {
    value: s.value
    source: 'user-override'
  }
}]

resource ranged 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = [for i in range(1, 2): {
  name: '${serverName}/range-${i}'
  properties: {
    startIpAddress: '10.0.${i}.0'
    endIpAddress: '10.0.${i}.255'
  }
}]

resource unknownLoop 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = [for r in unknownRanges: {
  parent: server
  name: r.name
  properties: {
    startIpAddress: r.start
    endIpAddress: r.end
  }
}]

output ruleNames array = [for (r, i) in ranges: rules[i].name]
