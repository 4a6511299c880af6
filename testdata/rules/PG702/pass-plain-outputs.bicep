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

output serverId string = server.id
output host string = server.properties.fullyQualifiedDomainName
output login string = server.properties.administratorLogin
