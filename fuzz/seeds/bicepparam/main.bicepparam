using 'main.bicep'

param publicNetworkAccess = 'Enabled'
param version = '11'
param retentionDays = 1
param geoRedundant = true
param tags = { tls: 'TLS1_0', env: 'prod' }
param firewallRules = [
  { name: 'all', start: '0.0.0.0', end: '255.255.255.255' }
  { name: 'azure', start: '0.0.0.0', end: '0.0.0.0' }
]
param administratorLoginPassword = readEnvironmentVariable('PGPASSWORD', 'x')
var suffix = toLower('${version}-${retentionDays}')
param serverName = 'pg-${suffix}'
