resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: 'stpgbackups'
}

output storageConnection string = 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${listKeys(storage.id, '2023-05-01').keys[0].value}'
