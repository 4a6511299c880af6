// PostgreSQL for a small shop:
//   - `reporting` was set up by hand for a BI tool and then written down as is: public, TLS off,
//     firewall open, logging and auditing left at (or below) Azure's defaults, a password in a
//     plain parameter, and an output that hands the password on. pgguard reports most of its
//     rules on it (`pgguard scan examples`).
//   - `analytics` is a Cosmos DB for PostgreSQL cluster whose coordinator is public (PG205).
//   - `orders` is the hardened one: VNet-injected, Microsoft Entra authentication only,
//     customer-managed keys, zone-redundant HA, a custom maintenance window, pgaudit, Defender
//     and diagnostic settings. It passes every rule.

param location string = resourceGroup().location
param administratorLogin string = 'pgadmin'

// Not @secure(): the password ends up in deployment logs (PG701).
param reportingPassword string = 'Reporting#2024'

@secure()
param analyticsPassword string

param reportingServerName string = 'pg-shop-reporting'
param ordersServerName string = 'pg-shop-orders'
param vnetName string = 'vnet-shop'

@description('Public range of the BI vendor, as they sent it.')
param biVendorRangeStart string = '20.190.0.0'
param biVendorRangeEnd string = '20.190.255.255'

@description('The key that encrypts the orders database, and the identity that may read it.')
param ordersKeyUri string = 'https://kv-shop.vault.azure.net/keys/pg-orders/0123456789abcdef0123456789abcdef'
param ordersIdentityId string = resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'id-pg-orders')

@description('The Entra group that administers the orders database.')
param dbaGroupObjectId string = '00000000-0000-0000-0000-000000000001'
param logWorkspaceId string = resourceId('Microsoft.OperationalInsights/workspaces', 'log-shop')

var dnsZoneName = 'shop.private.postgres.database.azure.com'

resource reporting 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: reportingServerName
  location: location
  sku: {
    name: 'Standard_B2s'
    tier: 'Burstable'
  }
  properties: {
    // PostgreSQL 14 reached its community end of life on 2026-11-12 (PG603).
    version: '14'
    administratorLogin: administratorLogin
    administratorLoginPassword: reportingPassword
    storage: {
      storageSizeGB: 64
    }
    // Reporting data can be rebuilt, so backups were left in the region (PG401).
    backup: {
      backupRetentionDays: 7
      geoRedundantBackup: 'Disabled'
    }
    // Reached over the internet by the BI tool (PG201), with no private endpoint (PG204).
    network: {
      publicNetworkAccess: 'Enabled'
    }
  }

  // The BI tool's driver was configured without TLS (PG103) and with TLS 1.1 at best (PG104).
  resource requireSecureTransport 'configurations' = {
    name: 'require_secure_transport'
    properties: {
      value: 'off'
      source: 'user-override'
    }
  }

  resource minTls 'configurations' = {
    name: 'ssl_min_protocol_version'
    properties: {
      value: 'TLSv1.1'
      source: 'user-override'
    }
  }

  // Logging turned down to save storage (PG501, PG502, PG503, PG505).
  resource logCheckpoints 'configurations' = {
    name: 'log_checkpoints'
    properties: {
      value: 'off'
      source: 'user-override'
    }
  }

  resource logConnections 'configurations' = {
    name: 'log_connections'
    properties: {
      value: 'OFF'
      source: 'user-override'
    }
  }

  resource logDisconnections 'configurations' = {
    name: 'log_disconnections'
    properties: {
      value: 'off'
      source: 'user-override'
    }
  }

  resource logRetention 'configurations' = {
    name: 'logfiles.retention_days'
    properties: {
      value: '2'
      source: 'user-override'
    }
  }
}

// The portal's "Allow public access from any Azure service" checkbox (PG202).
resource allowAzureServices 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {
  parent: reporting
  name: 'AllowAllAzureServicesAndResourcesWithinAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

// A whole /16 of public addresses for one vendor (PG203).
resource biVendor 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {
  name: '${reportingServerName}/bi-vendor'
  properties: {
    startIpAddress: biVendorRangeStart
    endIpAddress: biVendorRangeEnd
  }
  dependsOn: [
    reporting
  ]
}

resource analytics 'Microsoft.DBforPostgreSQL/serverGroupsv2@2022-11-08' = {
  name: 'pg-shop-analytics'
  location: location
  properties: {
    postgresqlVersion: '16'
    administratorLoginPassword: analyticsPassword
    coordinatorServerEdition: 'GeneralPurpose'
    coordinatorVCores: 4
    coordinatorStorageQuotaInMb: 131072
    nodeCount: 0
    // Opened for a notebook on a laptop (PG205).
    coordinatorEnablePublicIpAccess: true
  }
}

module network 'network.bicep' = {
  name: 'network'
  params: {
    vnetName: vnetName
    location: location
    dnsZoneName: dnsZoneName
  }
}

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
  dependsOn: [
    network
  ]

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

// Handed to the BI tool's pipeline, password included (PG702).
output reportingConnectionString string = 'host=${reporting.properties.fullyQualifiedDomainName};user=${administratorLogin};password=${analyticsPassword}'
