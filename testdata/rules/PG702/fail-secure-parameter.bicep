@secure()
param administratorLoginPassword string

output password string = administratorLoginPassword
