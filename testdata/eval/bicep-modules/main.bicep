// A local module called twice and in a loop; its outputs used by the caller.
param publicAccess string = 'Enabled'
param regions array = [
  'westeurope'
  'northeurope'
]

module first 'modules/pg.bicep' = {
  name: 'first'
  params: {
    serverName: 'pg-first'
    publicAccess: publicAccess
  }
}

module second 'modules/pg.bicep' = {
  name: 'second'
  params: {
    serverName: 'pg-second'
    publicAccess: 'Disabled'
    location: 'northeurope'
  }
}

module perRegion 'modules/pg.bicep' = [for (region, i) in regions: {
  name: 'region-${i}'
  params: {
    serverName: 'pg-${region}'
    publicAccess: 'Disabled'
    location: region
  }
}]

resource tls 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  name: '${first.outputs.serverName}/require_secure_transport'
  properties: {
    value: 'ON'
    source: 'user-override'
    fromSecond: second.outputs.serverId
    fromLoop: perRegion[1].outputs.serverName
  }
}
