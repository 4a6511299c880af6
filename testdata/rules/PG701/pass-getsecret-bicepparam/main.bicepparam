using './main.bicep'

param administratorLoginPassword = getSecret('00000000-0000-0000-0000-000000000000', 'rg-secrets', 'kv-prod', 'pg-admin-password')
