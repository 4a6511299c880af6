targetScope = 'subscription'
module m0 'mod.bicep' = [for i in range(0, 82): {
  name: '${v3}${v3}'
}]
