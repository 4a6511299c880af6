param serverName string = 'pg-orders-prod'
param location string = resourceGroup().location
param administratorLogin string = 'pgadmin'
@secure()
param administratorLoginPassword string
param identityId string = resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'id-pg-orders')

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2022-12-01' = {
  name: serverName
  location: location
  sku: {
    name: 'Standard_D2ds_v5'
    tier: 'GeneralPurpose'
  }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    version: '14'
    administratorLogin: administratorLogin
    administratorLoginPassword: administratorLoginPassword
    storage: {
      storageSizeGB: 128
    }
    dataEncryption: {
      type: 'AzureKeyVault'
      primaryKeyURI: 'https://kv-orders.vault.azure.net/keys/pg-orders/0123456789abcdef0123456789abcdef'
      primaryUserAssignedIdentityId: identityId
    }
  }
}
