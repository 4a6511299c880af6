// Two PostgreSQL flexible servers for a small shop:
//   - `reporting` was set up by hand for a BI tool and then written down as is: pgguard reports
//     PG103, PG201, PG202, PG203, PG204 and PG401 on it.
//   - `orders` is the hardened one: VNet-injected, TLS enforced by default, geo-redundant backup.
//     It passes every rule.

param location string = resourceGroup().location
param administratorLogin string = 'pgadmin'

@secure()
param administratorLoginPassword string

param reportingServerName string = 'pg-shop-reporting'
param ordersServerName string = 'pg-shop-orders'
param vnetName string = 'vnet-shop'

@description('Public range of the BI vendor, as they sent it.')
param biVendorRangeStart string = '20.190.0.0'
param biVendorRangeEnd string = '20.190.255.255'

var dnsZoneName = 'shop.private.postgres.database.azure.com'

resource reporting 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: reportingServerName
  location: location
  sku: {
    name: 'Standard_B2s'
    tier: 'Burstable'
  }
  properties: {
    version: '16'
    administratorLogin: administratorLogin
    administratorLoginPassword: administratorLoginPassword
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

  // The BI tool's driver was configured without TLS (PG103).
  resource requireSecureTransport 'configurations' = {
    name: 'require_secure_transport'
    properties: {
      value: 'off'
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
  properties: {
    version: '16'
    administratorLogin: administratorLogin
    administratorLoginPassword: administratorLoginPassword
    storage: {
      storageSizeGB: 256
    }
    backup: {
      backupRetentionDays: 14
      geoRedundantBackup: 'Enabled'
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
}
