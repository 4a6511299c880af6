using 'main.bicep'

import { defaults } from 'defaults.bicep'

param adminLogin = 'pgadmin'
param adminPassword = readEnvironmentVariable('PG_PASSWORD')
var region = 'westeurope'
param location = region
extensionConfig k8s with {
  kubeConfig: 'abc'
}
