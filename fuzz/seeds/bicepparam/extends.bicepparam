using 'main.bicep'

param publicNetworkAccess = contains(tags, 'public') ? 'Enabled' : 'Disabled'
param tags = {}
param firewallRules = [for i in range(0, 3): { name: 'r${i}', start: '10.0.0.${i}', end: '10.0.0.${i}' }]
param administratorLoginPassword = ''
