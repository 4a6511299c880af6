resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: 'stpgbackups'
}

output storageKey string = storage.listKeys().keys[0].value
