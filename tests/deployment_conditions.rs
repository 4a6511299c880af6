//! A resource whose condition is unknown is judged as deployed (RULES.md): its failures stay
//! failures, its passes passes, and its findings say under which condition it is deployed. A
//! relation that may not exist (a private endpoint under an unknown condition) proves nothing.

mod common;

use common::{all, findings, scan_files, verdicts};
use pgguard::rules::Verdict;

const SINGLE_OPEN: &str = "properties: {
    sslEnforcement: 'Disabled'
    publicNetworkAccess: 'Disabled'
    storageProfile: { geoRedundantBackup: 'Enabled' }
  }";

#[test]
fn a_failure_under_an_unknown_condition_is_a_failure_saying_when() {
    let main = format!(
        "param deployServer bool
resource server 'Microsoft.DBforPostgreSQL/servers@2017-12-01' = if (deployServer) {{
  name: 'pg'
  location: 'westeurope'
  {SINGLE_OPEN}
}}
"
    );
    let (_dir, report) = scan_files(&[("main.bicep", &main)]);
    let ssl = findings(&report, "PG101");
    assert_eq!(ssl.len(), 1, "{:#?}", all(&report));
    assert_eq!(ssl[0].verdict, Verdict::Fail);
    assert_eq!(
        ssl[0].message,
        "`properties.sslEnforcement` is 'Disabled' (expected 'Enabled') when `deployServer` is true"
    );
    // What passes still passes.
    assert_eq!(verdicts(&report, "PG201"), vec![]);
}

#[test]
fn an_allowed_input_names_the_values_that_deploy_it() {
    let main = format!(
        "@allowed(['dev', 'test', 'prod'])
param env string
resource server 'Microsoft.DBforPostgreSQL/servers@2017-12-01' = if (env != 'dev') {{
  name: 'pg'
  location: 'westeurope'
  {SINGLE_OPEN}
}}
"
    );
    let (_dir, report) = scan_files(&[("main.bicep", &main)]);
    let ssl = findings(&report, "PG101");
    assert_eq!(ssl.len(), 1, "{:#?}", all(&report));
    assert_eq!(ssl[0].verdict, Verdict::Fail);
    assert!(ssl[0].message.ends_with(" when parameter `env` is 'test' or is 'prod'"), "{}", ssl[0].message);
}

#[test]
fn an_arm_condition_is_named_by_its_expression() {
    let template = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": { "deployServer": { "type": "bool" } },
  "resources": [
    {
      "condition": "[parameters('deployServer')]",
      "type": "Microsoft.DBforPostgreSQL/servers",
      "apiVersion": "2017-12-01",
      "name": "pg",
      "location": "westeurope",
      "properties": {
        "sslEnforcement": "Disabled",
        "publicNetworkAccess": "Disabled",
        "storageProfile": { "geoRedundantBackup": "Enabled" }
      }
    }
  ]
}"#;
    let (_dir, report) = scan_files(&[("azuredeploy.json", template)]);
    let ssl = findings(&report, "PG101");
    assert_eq!(ssl.len(), 1, "{:#?}", all(&report));
    assert_eq!(ssl[0].verdict, Verdict::Fail);
    assert!(ssl[0].message.ends_with(" when `parameters('deployServer')` is true"), "{}", ssl[0].message);
}

#[test]
fn a_module_condition_joins_the_resources_own() {
    let module = format!(
        "param sslOff bool
resource server 'Microsoft.DBforPostgreSQL/servers@2017-12-01' = if (sslOff) {{
  name: 'pg'
  location: 'westeurope'
  {SINGLE_OPEN}
}}
"
    );
    let main = "param withDb bool
param sslOff bool
module db 'db.bicep' = if (withDb) {
  name: 'db'
  params: { sslOff: sslOff }
}
";
    let (_dir, report) = scan_files(&[("main.bicep", main), ("db.bicep", &module)]);
    let ssl = findings(&report, "PG101");
    assert_eq!(ssl.len(), 1, "{:#?}", all(&report));
    assert_eq!(ssl[0].verdict, Verdict::Fail);
    assert!(ssl[0].message.ends_with(" when `withDb` is true and `sslOff` is true"), "{}", ssl[0].message);
}

#[test]
fn a_private_endpoint_under_an_unknown_condition_does_not_make_the_server_pass() {
    let main = "param withEndpoint bool
resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'pg'
  location: 'westeurope'
  properties: { network: { publicNetworkAccess: 'Disabled' }, backup: { geoRedundantBackup: 'Enabled' } }
}
resource pe 'Microsoft.Network/privateEndpoints@2023-11-01' = if (withEndpoint) {
  name: 'pe'
  location: 'westeurope'
  properties: {
    privateLinkServiceConnections: [ { name: 'c', properties: { privateLinkServiceId: server.id, groupIds: ['postgresqlServer'] } } ]
  }
}
";
    let (_dir, report) = scan_files(&[("main.bicep", main)]);
    let pe = findings(&report, "PG204");
    assert_eq!(pe.len(), 1, "{:#?}", all(&report));
    assert_eq!(pe[0].verdict, Verdict::Unknown);
    assert!(pe[0].message.contains("it is deployed only when `withEndpoint` is true"), "{}", pe[0].message);
}
