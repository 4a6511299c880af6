// Bicep compiles `server.properties.administratorLoginPassword` to `reference()`: what Azure
// returns when it reads the server, which never includes the password. The output exposes nothing
// (Azure fails the deployment on the missing property instead).
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

output password string = server.properties.administratorLoginPassword
