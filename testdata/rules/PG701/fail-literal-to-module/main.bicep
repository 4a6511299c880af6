module server 'server.bicep' = {
  name: 'server'
  params: {
    administratorLoginPassword: 'Str0ng-but-written-down'
  }
}
