// The language a deployed value can depend on: imports, user-defined functions, lambdas,
// load functions, multi-line strings and spreads, feeding a PostgreSQL server.
import {serverName, firewallRule} from 'naming.bicep'
import * as naming from 'naming.bicep'

param env string = 'prod'

var settings = loadJsonContent('settings.json')
var tags = shallowMerge([settings.tags, { env: env }])

func parameterValue(name string, value string) object => {
  name: name
  properties: { value: value, source: 'user-override' }
}

var parameters = mapValues(toObject(settings.parameters, p => p.name, p => p.value), v => toLower(v))
var rules = sort(map(items(settings.ranges), r => firewallRule(r.key, r.value)), (a, b) => a.name < b.name)
var ruleNames = reduce(rules, '', (all, r, i) => i == 0 ? r.name : '${all},${r.name}')
var byKind = groupBy(rules, r => r.kind)

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: serverName(env)
  location: 'westeurope'
  tags: { ...tags, rules: ruleNames }
  properties: {
    version: '16'
    network: { publicNetworkAccess: length(byKind.?public ?? []) > 0 ? 'Enabled' : 'Disabled' }
    authConfig: { activeDirectoryAuth: naming.entraAuth }
  }
}

resource config 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = [for p in items(parameters): {
  parent: server
  name: p.key
  properties: parameterValue(p.key, p.value).properties
}]

resource firewall 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = [for r in rules: {
  parent: server
  name: r.name
  properties: { startIpAddress: r.start, endIpAddress: r.end }
}]

output banner string = '''
pg: 'all' settings from settings.json
'''
output note string = loadTextContent('missing.txt')
