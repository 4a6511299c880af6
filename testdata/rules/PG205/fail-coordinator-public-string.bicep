param clusterName string = 'citus-orders-prod'
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
    coordinatorVCores: 4
    coordinatorStorageQuotaInMb: 524288
    nodeCount: 2
    nodeServerEdition: 'MemoryOptimized'
    nodeVCores: 4
    nodeStorageQuotaInMb: 524288
    enableHa: false
    coordinatorEnablePublicIpAccess: 'True'
  }
}
