// A key added to a server the template does not create.
param serverName string = 'pg-orders-prod'
param location string = resourceGroup().location
param administratorLogin string = 'pgadmin'
@secure()
param administratorLoginPassword string

resource server 'Microsoft.DBforPostgreSQL/servers@2017-12-01' existing = {
  name: serverName
}

resource key 'Microsoft.DBforPostgreSQL/servers/keys@2020-01-01' = {
  parent: server
  name: 'kv-orders_pg-orders_0123456789abcdef0123456789abcdef'
  properties: {
    serverKeyType: 'AzureKeyVault'
    uri: 'https://kv-orders.vault.azure.net/keys/pg-orders/0123456789abcdef0123456789abcdef'
  }
}
