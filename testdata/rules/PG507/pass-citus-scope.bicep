param clusterName string = 'pg-citus-analytics'
param location string = resourceGroup().location
@secure()
param administratorLoginPassword string
param workspaceId string = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-monitor/providers/Microsoft.OperationalInsights/workspaces/law-prod'

resource cluster 'Microsoft.DBforPostgreSQL/serverGroupsv2@2022-11-08' = {
  name: clusterName
  location: location
  properties: {
    administratorLoginPassword: administratorLoginPassword
    coordinatorServerEdition: 'GeneralPurpose'
    coordinatorVCores: 4
    coordinatorStorageQuotaInMb: 524288
    coordinatorEnablePublicIpAccess: false
    nodeCount: 2
    nodeServerEdition: 'MemoryOptimized'
    nodeVCores: 4
    nodeStorageQuotaInMb: 524288
    nodeEnablePublicIpAccess: false
    postgresqlVersion: '16'
    citusVersion: '12.1'
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'diag-citus'
  scope: cluster
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
  }
}
