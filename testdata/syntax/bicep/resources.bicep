resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2022-12-01' = {
  name: name
  location: location
  properties: {
    version: '16'
    network: { publicNetworkAccess: 'Disabled' }
  }

  resource rule 'firewallRules' = [for (ip, i) in allowed: if (i > 0) {
    name: 'rule${i}'
    properties: { startIpAddress: ip, endIpAddress: ip }
  }]
}

resource vnet 'Microsoft.Network/virtualNetworks@2023-04-01' existing = {
  name: 'vnet'
}

module db './db.bicep' = if (deploy) {
  name: 'db'
  params: {
    subnet: vnet::subnet.id
  }
}
