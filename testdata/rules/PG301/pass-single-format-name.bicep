param serverName string = 'pg-legacy-billing'
param location string = resourceGroup().location
param administratorLogin string = 'pgadmin'
@secure()
param administratorLoginPassword string
param adminGroupObjectId string = '00000000-0000-0000-0000-000000000001'

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
    createMode: 'Default'
    version: '11'
    administratorLogin: administratorLogin
    administratorLoginPassword: administratorLoginPassword
    sslEnforcement: 'Enabled'
    minimalTlsVersion: 'TLS1_2'
  }
}

resource admin 'Microsoft.DBforPostgreSQL/servers/administrators@2017-12-01' = {
  name: format('{0}/activeDirectory', serverName)
  properties: {
    administratorType: 'ActiveDirectory'
    login: 'pg-admins'
    sid: adminGroupObjectId
    tenantId: subscription().tenantId
  }
  dependsOn: [
    server
  ]
}
