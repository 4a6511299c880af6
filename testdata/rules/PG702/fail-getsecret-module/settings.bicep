param administratorLoginPassword string

output connectionString string = 'Host=pg-prod.postgres.database.azure.com;Username=pgadmin;Password=${administratorLoginPassword}'
