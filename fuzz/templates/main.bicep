// The template the `bicepparam` target's parameter files are for.
@allowed(['Enabled', 'Disabled'])
param publicNetworkAccess string = 'Disabled'
param version string = '16'
param retentionDays int = 7
param geoRedundant bool = false
param tags object = {}
param firewallRules array = []
@secure()
param administratorLoginPassword string
param location string = resourceGroup().location
param serverName string = 'pg-${uniqueString(resourceGroup().id)}'

var tls = contains(tags, 'tls') ? tags.tls : 'TLSV1.2'

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: serverName
  location: location
  tags: tags
  sku: { name: 'Standard_D2ds_v5', tier: 'GeneralPurpose' }
  properties: {
    version: version
    administratorLogin: 'pgadmin'
    administratorLoginPassword: administratorLoginPassword
    network: { publicNetworkAccess: publicNetworkAccess }
    backup: { backupRetentionDays: retentionDays, geoRedundantBackup: geoRedundant ? 'Enabled' : 'Disabled' }
    highAvailability: { mode: 'ZoneRedundant' }
  }
  resource rules 'firewallRules' = [for rule in firewallRules: {
    name: rule.name
    properties: { startIpAddress: rule.start, endIpAddress: rule.end }
  }]
}

resource tlsSetting 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  parent: server
  name: 'ssl_min_protocol_version'
  properties: { value: tls, source: 'user-override' }
}

output fqdn string = server.properties.fullyQualifiedDomainName
