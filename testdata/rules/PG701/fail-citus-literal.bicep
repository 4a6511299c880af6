resource cluster 'Microsoft.DBforPostgreSQL/serverGroupsv2@2022-11-08' = {
  name: 'citus-prod'
  location: 'westeurope'
  properties: {
    administratorLoginPassword: 'Str0ng-but-written-down'
    coordinatorVCores: 4
    nodeCount: 0
  }
}
