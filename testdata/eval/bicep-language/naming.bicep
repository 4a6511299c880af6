@export()
func serverName(env string) string => 'pg-${env}-${suffix()}'

func suffix() string => 'app'

@export()
func firewallRule(name string, range string[]) object => {
  name: toLower(name)
  kind: range[0] == '0.0.0.0' ? 'public' : 'private'
  start: range[0]
  end: range[1]
}

@export()
var entraAuth = 'Enabled'
