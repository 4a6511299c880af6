param sourceServerId string = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/pg-prod'

// A read replica takes its administrator from the source server: no password is set.
resource replica 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'pg-replica'
  location: 'westeurope'
  properties: {
    createMode: 'Replica'
    sourceServerResourceId: sourceServerId
  }
}
