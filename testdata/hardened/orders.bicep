// A flexible server that passes every pgguard rule: VNet-injected, Microsoft Entra
// authentication only, customer-managed keys, zone-redundant HA, a custom maintenance window,
// pgaudit, Defender and diagnostic settings. Tests use it as the secure template.

param location string = resourceGroup().location
param ordersServerName string = 'pg-shop-orders'
param vnetName string = 'vnet-shop'
param ordersKeyUri string = 'https://kv-shop.vault.azure.net/keys/pg-orders/0123456789abcdef0123456789abcdef'
param ordersIdentityId string = resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'id-pg-orders')
param dbaGroupObjectId string = '00000000-0000-0000-0000-000000000001'
param logWorkspaceId string = resourceId('Microsoft.OperationalInsights/workspaces', 'log-shop')

var dnsZoneName = 'shop.private.postgres.database.azure.com'

resource orders 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: ordersServerName
  location: location
  sku: {
    name: 'Standard_D4ds_v5'
    tier: 'GeneralPurpose'
  }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${ordersIdentityId}': {}
    }
  }
  properties: {
    version: '17'
    // Microsoft Entra only: no password to leak.
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Disabled'
    }
    dataEncryption: {
      type: 'AzureKeyVault'
      primaryKeyURI: ordersKeyUri
      primaryUserAssignedIdentityId: ordersIdentityId
    }
    storage: {
      storageSizeGB: 256
    }
    backup: {
      backupRetentionDays: 14
      geoRedundantBackup: 'Enabled'
    }
    highAvailability: {
      mode: 'ZoneRedundant'
    }
    maintenanceWindow: {
      customWindow: 'Enabled'
      dayOfWeek: 0
      startHour: 2
      startMinute: 0
    }
    // VNet-injected: no public endpoint, so no firewall rules and no private endpoint needed.
    network: {
      delegatedSubnetResourceId: resourceId('Microsoft.Network/virtualNetworks/subnets', vnetName, 'postgres')
      privateDnsZoneArmResourceId: resourceId('Microsoft.Network/privateDnsZones', dnsZoneName)
    }
  }
  resource dbaGroup 'administrators' = {
    name: dbaGroupObjectId
    properties: {
      principalName: 'dba-shop'
      principalType: 'Group'
      tenantId: tenant().tenantId
    }
  }

  resource defender 'advancedThreatProtectionSettings' = {
    name: 'Default'
    properties: {
      state: 'Enabled'
    }
  }

  // pgaudit loaded and logging DDL and role changes (PG506); server logs kept a week (PG505).
  resource preload 'configurations' = {
    name: 'shared_preload_libraries'
    properties: {
      value: 'pg_cron,pg_stat_statements,pgaudit'
      source: 'user-override'
    }
  }

  resource auditLog 'configurations' = {
    name: 'pgaudit.log'
    properties: {
      value: 'DDL,ROLE'
      source: 'user-override'
    }
  }

  resource throttle 'configurations' = {
    name: 'connection_throttle.enable'
    properties: {
      value: 'on'
      source: 'user-override'
    }
  }

  resource retention 'configurations' = {
    name: 'logfiles.retention_days'
    properties: {
      value: '7'
      source: 'user-override'
    }
  }
}

resource ordersDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: orders
  properties: {
    workspaceId: logWorkspaceId
    logs: [
      {
        categoryGroup: 'audit'
        enabled: true
      }
    ]
  }
}
