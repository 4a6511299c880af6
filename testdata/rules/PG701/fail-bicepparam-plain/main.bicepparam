using './main.bicep'

param administratorLoginPassword = 'Str0ng-but-written-down'
