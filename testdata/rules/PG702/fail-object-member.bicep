@secure()
param administratorLoginPassword string

output settings object = {
  host: 'pg-prod.postgres.database.azure.com'
  user: 'pgadmin'
  password: administratorLoginPassword
}
