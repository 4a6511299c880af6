resource server 'Microsoft.DBforPostgreSQL/servers@2017-12-01' = {
  name: 'pg-legacy'
  location: 'westeurope'
  properties: {
    createMode: 'Default'
    administratorLogin: 'pgadmin'
    administratorLoginPassword: 'Str0ng-but-written-down'
  }
}
