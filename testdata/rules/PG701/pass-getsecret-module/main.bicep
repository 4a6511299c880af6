resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: 'kv-prod'
}

module server 'server.bicep' = {
  name: 'server'
  params: {
    administratorLoginPassword: vault.getSecret('pg-admin-password')
  }
}
