@description('Resource id of the PostgreSQL server to connect.')
param serverId string
param endpointName string
param location string
param subnetId string

resource endpoint 'Microsoft.Network/privateEndpoints@2023-11-01' = {
  name: endpointName
  location: location
  properties: {
    subnet: {
      id: subnetId
    }
    privateLinkServiceConnections: [
      {
        name: endpointName
        properties: {
          privateLinkServiceId: serverId
          groupIds: [
            'postgresqlServer'
          ]
        }
      }
    ]
  }
}
