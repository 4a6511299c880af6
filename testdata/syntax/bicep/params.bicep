targetScope = 'resourceGroup'

metadata owner = 'db-team'

@secure()
@sys.description('Administrator password')
param adminPassword string

@allowed(['B1ms', 'GP_D2s_v3'])
param sku string = 'B1ms'

param tags object?
param server resource 'Microsoft.DBforPostgreSQL/flexibleServers@2022-12-01'

var name string = 'pg-${uniqueString(resourceGroup().id)}'
