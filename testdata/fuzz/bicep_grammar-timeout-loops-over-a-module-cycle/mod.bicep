resource r0 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = [for i in range(0, 82): {
  name: '${v3}${v3}'
  location: 'x'
}]
module m1 'main.bicep' = {
  name: 'Enabled'
}
