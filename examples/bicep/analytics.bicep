// An Azure Cosmos DB for PostgreSQL cluster for the shop's analytics, written down in a hurry:
//   - its administrator password is a literal in the template (PG701);
//   - an output hands the next pipeline step a connection string with the shared password in
//     it, where everyone who can read the deployment history finds it (PG702).

param location string = resourceGroup().location

@secure()
param sharedPassword string

resource cluster 'Microsoft.DBforPostgreSQL/serverGroupsv2@2022-11-08' = {
  name: 'citus-shop-analytics'
  location: location
  properties: {
    administratorLoginPassword: 'Analytics-2024!'
    coordinatorVCores: 4
    nodeCount: 0
  }
}

output connectionString string = 'postgres://citus:${sharedPassword}@c-citus-shop-analytics.postgres.cosmos.azure.com:5432/citus?sslmode=require'
