@secure()
param administratorLoginPassword string

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'pg-prod'
  location: 'westeurope'
  properties: {
    administratorLogin: 'pgadmin'
    administratorLoginPassword: administratorLoginPassword
  }
}

output connectionString string = 'Host=${server.properties.fullyQualifiedDomainName};Database=app;Username=pgadmin;Password=${administratorLoginPassword};Ssl Mode=Require'
