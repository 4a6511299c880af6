// A read replica is a single server too.
param serverName string = 'pg-orders-prod'
param location string = resourceGroup().location
param administratorLogin string = 'pgadmin'
@secure()
param administratorLoginPassword string
param sourceServerId string = resourceId('Microsoft.DBforPostgreSQL/servers', 'pg-orders-primary')

resource server 'Microsoft.DBforPostgreSQL/servers@2017-12-01' = {
  name: serverName
  location: location
  sku: {
    name: 'GP_Gen5_2'
    tier: 'GeneralPurpose'
    family: 'Gen5'
    capacity: 2
  }
  properties: {
    createMode: 'Replica'
    sourceServerId: sourceServerId
  }
}
