// Conditions that are true, false and unknown, and children under each.
param deployReplica bool = false
param deployPrimary bool = true
param deployMaybe bool

resource primary 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = if (deployPrimary) {
  name: 'pg-primary'
  location: 'westeurope'
  properties: {
    version: '16'
  }

  resource tls 'configurations' = {
    name: 'require_secure_transport'
    properties: {
      value: 'ON'
      source: 'user-override'
    }
  }
}

resource replica 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = if (deployReplica) {
  name: 'pg-replica'
  location: 'westeurope'
  properties: {
    createMode: 'Replica'
    sourceServerResourceId: primary.id
  }
}

resource maybe 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = if (deployMaybe) {
  name: 'pg-maybe'
  location: 'westeurope'
  properties: {
    network: {
      publicNetworkAccess: deployMaybe ? 'Enabled' : 'Disabled'
    }
  }
}

resource maybeRule 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = if (deployMaybe && deployPrimary) {
  parent: maybe
  name: 'office'
  properties: {
    startIpAddress: '10.0.0.1'
    endIpAddress: '10.0.0.255'
  }
}

resource negated 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = if (!deployReplica) {
  parent: primary
  name: 'negated'
  properties: {
    startIpAddress: '10.0.1.1'
    endIpAddress: '10.0.1.255'
  }
}
