@description('A server configuration')
type config = {
  @minLength(3)
  name: string
  sku?: 'Burstable' | 'GeneralPurpose'
  *: int
}

type pair = [
  string
  @minValue(0)
  int
]
type names = string[]
type level =
  | 'low'
  | 'high'
type props = resourceInput<'Microsoft.DBforPostgreSQL/flexibleServers@2022-12-01'>.properties
type item = names[*]
