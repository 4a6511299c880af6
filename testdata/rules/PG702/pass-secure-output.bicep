@secure()
param administratorLoginPassword string

@secure()
output connectionString string = 'Host=pg-prod.postgres.database.azure.com;Username=pgadmin;Password=${administratorLoginPassword}'

output host string = 'pg-prod.postgres.database.azure.com'
