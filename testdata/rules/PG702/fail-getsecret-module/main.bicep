resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: 'kv-prod'
}

module settings 'settings.bicep' = {
  name: 'settings'
  params: {
    administratorLoginPassword: vault.getSecret('pg-admin-password')
  }
}
