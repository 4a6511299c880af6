import { helper, shared as common } from 'lib.bicep'
import * as ns from 'ns.bicep'
extension microsoftGraphV1
extension kubernetes with {
  namespace: 'default'
} as k8s

func fullName(prefix string, n int) string => '${prefix}-${n}'

#disable-next-line no-unused-vars
output id string = server.id
output res resource 'Microsoft.Storage/storageAccounts@2023-01-01' = storage
assert nameOk = length(name) < 64 // checked at deploy time
