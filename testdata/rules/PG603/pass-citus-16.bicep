param clusterName string = 'pg-orders-cluster'
param location string = resourceGroup().location
@secure()
param administratorLoginPassword string

resource cluster 'Microsoft.DBforPostgreSQL/serverGroupsv2@2022-11-08' = {
  name: clusterName
  location: location
  properties: {
    administratorLoginPassword: administratorLoginPassword
    postgresqlVersion: '16'
    citusVersion: '12.1'
    coordinatorServerEdition: 'GeneralPurpose'
    coordinatorStorageQuotaInMb: 131072
    coordinatorVCores: 4
    nodeCount: 2
    nodeServerEdition: 'MemoryOptimized'
    nodeStorageQuotaInMb: 524288
    nodeVCores: 8
    enableHa: true
  }
}
