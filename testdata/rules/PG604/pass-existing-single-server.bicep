// A firewall rule added to a server the template does not create.
param serverName string = 'pg-orders-prod'
param location string = resourceGroup().location
param administratorLogin string = 'pgadmin'
@secure()
param administratorLoginPassword string

resource legacy 'Microsoft.DBforPostgreSQL/servers@2017-12-01' existing = {
  name: 'pg-legacy'
}

resource rule 'Microsoft.DBforPostgreSQL/servers/firewallRules@2017-12-01' = {
  parent: legacy
  name: 'office'
  properties: {
    startIpAddress: '203.0.113.10'
    endIpAddress: '203.0.113.10'
  }
}
