//! Acceptance tests for issue 11 (sound three-valued verdicts): each example of the issue's "Why"
//! section as a small valid template, in Bicep and ARM JSON where both apply, with the exact
//! verdict the issue names. No finding is a pass; a finding is a fail or an unknown.

mod common;

use common::{all, findings, scan_files, verdicts};

use pgguard::rules::Verdict;
use pgguard::scan::{ScanOptions, ScanReport, scan};
use std::path::{Path, PathBuf};

fn write_files(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    dir
}

/// Scans these paths; every template of these tests is valid, so the scan reports no error.
fn scan_paths(paths: &[PathBuf]) -> ScanReport {
    let report = scan(paths, ScanOptions::default()).expect("scan");
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    report
}

/// An ARM template with these parameters and resources (JSON text of an object's members and of an
/// array's elements).
fn arm(parameters: &str, resources: &str) -> String {
    format!(
        r#"{{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {{ {parameters} }},
  "resources": [
{resources}
  ]
}}"#
    )
}

/// Properties of a flexible server that passes PG201, PG204 and PG401.
const HARDENED: &str = "properties: {
    network: { publicNetworkAccess: 'Disabled', delegatedSubnetResourceId: 'subnet' }
    backup: { geoRedundantBackup: 'Enabled' }
  }";

/// The same properties in ARM JSON.
const HARDENED_JSON: &str = r#""properties": {
        "network": { "publicNetworkAccess": "Disabled", "delegatedSubnetResourceId": "subnet" },
        "backup": { "geoRedundantBackup": "Enabled" }
      }"#;

const AVM_FLEXIBLE_SERVER: &str = "avm/res/db-for-postgre-sql/flexible-server";

// Derived unknowns compare equal.

#[test]
fn members_of_one_unknown_object_are_not_equal_so_the_range_is_unknown() {
    let main = format!(
        "param rule object
resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {{
  name: 'pg'
  location: 'westeurope'
  {HARDENED}
}}
resource fw 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {{
  parent: server
  name: 'clients'
  properties: {{
    startIpAddress: rule.start
    endIpAddress: rule.end
  }}
}}
"
    );
    let (_dir, report) = scan_files(&[("main.bicep", &main)]);
    assert_eq!(verdicts(&report, "PG203"), vec![Verdict::Unknown], "{:#?}", all(&report));
}

#[test]
fn arm_members_of_a_copy_loop_parameter_element_are_not_equal() {
    let template = arm(
        r#""rules": { "type": "array" }"#,
        &format!(
            r#"    {{
      "type": "Microsoft.DBforPostgreSQL/flexibleServers",
      "apiVersion": "2024-08-01",
      "name": "pg",
      "location": "westeurope",
      {HARDENED_JSON}
    }},
    {{
      "type": "Microsoft.DBforPostgreSQL/flexibleServers/firewallRules",
      "apiVersion": "2024-08-01",
      "name": "[format('pg/rule{{0}}', copyIndex())]",
      "copy": {{ "name": "rules", "count": "[length(parameters('rules'))]" }},
      "dependsOn": ["[resourceId('Microsoft.DBforPostgreSQL/flexibleServers', 'pg')]"],
      "properties": {{
        "startIpAddress": "[parameters('rules')[copyIndex()].startIpAddress]",
        "endIpAddress": "[parameters('rules')[copyIndex()].endIpAddress]"
      }}
    }}"#
        ),
    );
    let (_dir, report) = scan_files(&[("azuredeploy.json", &template)]);
    assert_eq!(verdicts(&report, "PG203"), vec![Verdict::Unknown], "{:#?}", all(&report));
}

#[test]
fn first_and_last_of_a_split_parameter_are_not_equal() {
    let main = format!(
        "param range string
resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {{
  name: 'pg'
  location: 'westeurope'
  {HARDENED}
}}
resource fw 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {{
  parent: server
  name: 'clients'
  properties: {{
    startIpAddress: first(split(range, '-'))
    endIpAddress: last(split(range, '-'))
  }}
}}
"
    );
    let (_dir, report) = scan_files(&[("main.bicep", &main)]);
    assert_eq!(verdicts(&report, "PG203"), vec![Verdict::Unknown], "{:#?}", all(&report));
}

#[test]
fn arm_first_and_last_of_a_split_parameter_are_not_equal() {
    let template = arm(
        r#""range": { "type": "string" }"#,
        &format!(
            r#"    {{
      "type": "Microsoft.DBforPostgreSQL/flexibleServers",
      "apiVersion": "2024-08-01",
      "name": "pg",
      "location": "westeurope",
      {HARDENED_JSON}
    }},
    {{
      "type": "Microsoft.DBforPostgreSQL/flexibleServers/firewallRules",
      "apiVersion": "2024-08-01",
      "name": "pg/clients",
      "dependsOn": ["[resourceId('Microsoft.DBforPostgreSQL/flexibleServers', 'pg')]"],
      "properties": {{
        "startIpAddress": "[first(split(parameters('range'), '-'))]",
        "endIpAddress": "[last(split(parameters('range'), '-'))]"
      }}
    }}"#
        ),
    );
    let (_dir, report) = scan_files(&[("azuredeploy.json", &template)]);
    assert_eq!(verdicts(&report, "PG203"), vec![Verdict::Unknown], "{:#?}", all(&report));
}

#[test]
fn a_child_named_after_another_member_may_not_belong_so_the_verdict_is_unknown() {
    // `names.replica` may or may not equal `names.primary`: the configuration is not a sure child.
    let main = format!(
        "param names object
resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {{
  name: names.primary
  location: 'westeurope'
  {HARDENED}
}}
resource tls 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {{
  name: '${{names.replica}}/require_secure_transport'
  properties: {{
    value: 'off'
    source: 'user-override'
  }}
}}
"
    );
    let (_dir, report) = scan_files(&[("main.bicep", &main)]);
    assert_eq!(verdicts(&report, "PG103"), vec![Verdict::Unknown], "{:#?}", all(&report));
}

/// Copies a folder of the shared corpus (recursively) into `to`.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

#[test]
fn avm_flexible_server_firewall_loop_over_unknown_rules_is_unknown() {
    // The AVM module's loop passes `firewallRule.startIpAddress` and `.endIpAddress` of each element
    // to its firewall-rule module; with the rules unknown the range is unknown, not one address.
    let dir = write_files(&[(
        "main.bicep",
        "param rules array
module pg 'avm/main.bicep' = {
  name: 'pg'
  params: {
    name: 'pg-avm'
    skuName: 'Standard_D2s_v3'
    tier: 'GeneralPurpose'
    availabilityZone: -1
    firewallRules: rules
  }
}
",
    )]);
    let Some(corpus) = common::corpus_dir("avm_flexible_server_firewall_loop_over_unknown_rules_is_unknown") else {
        return;
    };
    copy_dir(&corpus.join(AVM_FLEXIBLE_SERVER), &dir.path().join("avm"));
    let report = scan_paths(&[dir.path().join("main.bicep")]);
    let open = findings(&report, "PG203");
    assert_eq!(open.len(), 1, "{:#?}", all(&report));
    assert_eq!(open[0].verdict, Verdict::Unknown);
    assert_eq!(open[0].resource_type, "Microsoft.DBforPostgreSQL/flexibleServers/firewallRules");
    assert!(report.file(open[0].location).path.ends_with("firewall-rule/main.bicep"), "{:?}", open[0].location);
}

#[test]
fn avm_flexible_server_alone_deploys_no_firewall_rule_when_the_rules_are_omitted() {
    // Scanned on its own, the module's nullable `firewallRules` is omitted, so null (issue 11,
    // Build 5), and the loop runs over `firewallRules ?? []`: no rule is deployed and none is judged.
    let Some(corpus) =
        common::corpus_dir("avm_flexible_server_alone_deploys_no_firewall_rule_when_the_rules_are_omitted")
    else {
        return;
    };
    let report = scan_paths(&[corpus.join(AVM_FLEXIBLE_SERVER).join("main.bicep")]);
    let rules: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.resource_type.ends_with("/firewallRules"))
        .map(|f| format!("{} {}: {}", report.rules[f.rule].id, f.verdict.as_str(), f.message))
        .collect();
    assert!(rules.is_empty(), "{rules:#?}");
}

// A child that may belong to the server is dropped.

#[test]
fn arm_names_from_the_same_unique_string_are_equal_so_the_child_fails() {
    let template = arm(
        "",
        &format!(
            r#"    {{
      "type": "Microsoft.DBforPostgreSQL/flexibleServers",
      "apiVersion": "2024-08-01",
      "name": "[concat('pg-', uniqueString(resourceGroup().id))]",
      "location": "westeurope",
      {HARDENED_JSON}
    }},
    {{
      "type": "Microsoft.DBforPostgreSQL/flexibleServers/configurations",
      "apiVersion": "2024-08-01",
      "name": "[concat('pg-', uniqueString(resourceGroup().id), '/require_secure_transport')]",
      "dependsOn": ["[resourceId('Microsoft.DBforPostgreSQL/flexibleServers', concat('pg-', uniqueString(resourceGroup().id)))]"],
      "properties": {{ "value": "off", "source": "user-override" }}
    }}"#
        ),
    );
    let (_dir, report) = scan_files(&[("azuredeploy.json", &template)]);
    assert_eq!(verdicts(&report, "PG103"), vec![Verdict::Fail], "{:#?}", all(&report));
}

#[test]
fn names_from_the_same_unique_string_are_equal_so_the_child_fails() {
    let main = format!(
        "resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {{
  name: 'pg-${{uniqueString(resourceGroup().id)}}'
  location: 'westeurope'
  {HARDENED}
}}
resource tls 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {{
  name: 'pg-${{uniqueString(resourceGroup().id)}}/require_secure_transport'
  properties: {{
    value: 'off'
    source: 'user-override'
  }}
}}
"
    );
    let (_dir, report) = scan_files(&[("main.bicep", &main)]);
    assert_eq!(verdicts(&report, "PG103"), vec![Verdict::Fail], "{:#?}", all(&report));
}

/// The PG103 findings of the server named after the environment (not the ones judging `pg-prod`
/// itself, a server the template may not create).
fn environment_server_verdicts(report: &ScanReport) -> Vec<Verdict> {
    findings(report, "PG103").iter().filter(|f| f.resource_name != "pg-prod").map(|f| f.verdict).collect()
}

#[test]
fn arm_a_literal_child_name_beside_an_unknown_server_name_is_unknown() {
    let template = arm(
        r#""environment": { "type": "string" }"#,
        &format!(
            r#"    {{
      "type": "Microsoft.DBforPostgreSQL/flexibleServers",
      "apiVersion": "2024-08-01",
      "name": "[concat('pg-', parameters('environment'))]",
      "location": "westeurope",
      {HARDENED_JSON}
    }},
    {{
      "type": "Microsoft.DBforPostgreSQL/flexibleServers/configurations",
      "apiVersion": "2024-08-01",
      "name": "pg-prod/require_secure_transport",
      "properties": {{ "value": "off", "source": "user-override" }}
    }}"#
        ),
    );
    let (_dir, report) = scan_files(&[("azuredeploy.json", &template)]);
    assert_eq!(environment_server_verdicts(&report), vec![Verdict::Unknown], "{:#?}", all(&report));
}

#[test]
fn a_literal_child_name_beside_an_unknown_server_name_is_unknown() {
    let main = format!(
        "param environment string
resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {{
  name: 'pg-${{environment}}'
  location: 'westeurope'
  {HARDENED}
}}
resource tls 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {{
  name: 'pg-prod/require_secure_transport'
  properties: {{
    value: 'off'
    source: 'user-override'
  }}
}}
"
    );
    let (_dir, report) = scan_files(&[("main.bicep", &main)]);
    assert_eq!(environment_server_verdicts(&report), vec![Verdict::Unknown], "{:#?}", all(&report));
}

// Children of a server the template does not create are not judged.

const EXISTING_SERVER_TLS_OFF: &str =
    "resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' existing = {
  name: 'pg'
}
resource tls 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  parent: server
  name: 'require_secure_transport'
  properties: {
    value: 'off'
    source: 'user-override'
  }
}
";

#[test]
fn a_configuration_of_an_existing_server_is_judged() {
    let (_dir, report) = scan_files(&[("main.bicep", EXISTING_SERVER_TLS_OFF)]);
    let tls = findings(&report, "PG103");
    assert_eq!(tls.len(), 1, "{:#?}", all(&report));
    assert_eq!(tls[0].verdict, Verdict::Fail);
    assert_eq!(tls[0].resource_name, "pg");
}

#[test]
fn an_existing_server_is_not_judged_for_its_own_missing_settings() {
    let (_dir, report) = scan_files(&[("main.bicep", EXISTING_SERVER_TLS_OFF)]);
    for rule in ["PG201", "PG204", "PG401"] {
        assert_eq!(verdicts(&report, rule), vec![], "{rule}: {:#?}", all(&report));
    }
}

#[test]
fn arm_a_configuration_of_an_undeclared_server_is_judged() {
    let template = arm(
        "",
        r#"    {
      "type": "Microsoft.DBforPostgreSQL/flexibleServers/configurations",
      "apiVersion": "2024-08-01",
      "name": "pg-app-2/require_secure_transport",
      "properties": { "value": "off", "source": "user-override" }
    }"#,
    );
    let (_dir, report) = scan_files(&[("azuredeploy.json", &template)]);
    assert_eq!(verdicts(&report, "PG103"), vec![Verdict::Fail], "{:#?}", all(&report));
}

#[test]
fn a_configuration_of_an_undeclared_server_is_judged() {
    let main = "resource tls 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  name: 'pg-app-2/require_secure_transport'
  properties: {
    value: 'off'
    source: 'user-override'
  }
}
";
    let (_dir, report) = scan_files(&[("main.bicep", main)]);
    assert_eq!(verdicts(&report, "PG103"), vec![Verdict::Fail], "{:#?}", all(&report));
}

// ARM conditions do not cascade to nested children; Bicep nested children share their parent's.

#[test]
fn arm_a_nested_child_of_a_server_not_deployed_is_still_deployed() {
    let template = arm(
        r#""newOrExisting": { "type": "string", "defaultValue": "existing" }"#,
        r#"    {
      "condition": "[equals(parameters('newOrExisting'), 'new')]",
      "type": "Microsoft.DBforPostgreSQL/flexibleServers",
      "apiVersion": "2024-08-01",
      "name": "pg",
      "location": "westeurope",
      "properties": { "network": { "publicNetworkAccess": "Enabled" } },
      "resources": [
        {
          "type": "firewallRules",
          "apiVersion": "2024-08-01",
          "name": "all",
          "dependsOn": ["[resourceId('Microsoft.DBforPostgreSQL/flexibleServers', 'pg')]"],
          "properties": { "startIpAddress": "0.0.0.0", "endIpAddress": "255.255.255.255" }
        }
      ]
    }"#,
    );
    let (_dir, report) = scan_files(&[("azuredeploy.json", &template)]);
    assert_eq!(verdicts(&report, "PG203"), vec![Verdict::Fail], "{:#?}", all(&report));
    // The server itself is not deployed: its own settings are not judged.
    for rule in ["PG201", "PG204", "PG401"] {
        assert_eq!(verdicts(&report, rule), vec![], "{rule}: {:#?}", all(&report));
    }
}

#[test]
fn a_bicep_nested_child_shares_the_false_condition_of_its_server() {
    let main = "param newOrExisting string = 'existing'
resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = if (newOrExisting == 'new') {
  name: 'pg'
  location: 'westeurope'
  properties: { network: { publicNetworkAccess: 'Enabled' } }
  resource all 'firewallRules' = {
    name: 'all'
    properties: { startIpAddress: '0.0.0.0', endIpAddress: '255.255.255.255' }
  }
}
";
    let (_dir, report) = scan_files(&[("main.bicep", main)]);
    assert_eq!(verdicts(&report, "PG203"), vec![], "{:#?}", all(&report));
}

#[test]
fn a_bicep_parent_child_keeps_its_own_condition() {
    let main = "param newOrExisting string = 'existing'
resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = if (newOrExisting == 'new') {
  name: 'pg'
  location: 'westeurope'
  properties: { network: { publicNetworkAccess: 'Enabled' } }
}
resource all 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {
  parent: server
  name: 'all'
  properties: { startIpAddress: '0.0.0.0', endIpAddress: '255.255.255.255' }
}
";
    let (_dir, report) = scan_files(&[("main.bicep", main)]);
    assert_eq!(verdicts(&report, "PG203"), vec![Verdict::Fail], "{:#?}", all(&report));
}

// Null is not set; null passed to a parameter with a default gives the default.

fn single_server_ssl(cond_param: &str) -> String {
    format!(
        "{cond_param}
resource server 'Microsoft.DBforPostgreSQL/servers@2017-12-01' = {{
  name: 'pg-legacy'
  location: 'westeurope'
  properties: {{
    createMode: 'Default'
    sslEnforcement: cond ? 'Disabled' : null
    publicNetworkAccess: 'Disabled'
    storageProfile: {{ geoRedundantBackup: 'Enabled' }}
  }}
}}
"
    )
}

fn arm_single_server_ssl(cond_param: &str) -> String {
    arm(
        cond_param,
        r#"    {
      "type": "Microsoft.DBforPostgreSQL/servers",
      "apiVersion": "2017-12-01",
      "name": "pg-legacy",
      "location": "westeurope",
      "properties": {
        "createMode": "Default",
        "sslEnforcement": "[if(parameters('cond'), 'Disabled', null())]",
        "publicNetworkAccess": "Disabled",
        "storageProfile": { "geoRedundantBackup": "Enabled" }
      }
    }"#,
    )
}

#[test]
fn a_property_set_to_null_is_not_set() {
    let (_dir, report) = scan_files(&[("main.bicep", &single_server_ssl("param cond bool = false"))]);
    assert_eq!(verdicts(&report, "PG101"), vec![], "{:#?}", all(&report));
}

#[test]
fn arm_a_property_set_to_null_is_not_set() {
    let template = arm_single_server_ssl(r#""cond": { "type": "bool", "defaultValue": false }"#);
    let (_dir, report) = scan_files(&[("azuredeploy.json", &template)]);
    assert_eq!(verdicts(&report, "PG101"), vec![], "{:#?}", all(&report));
}

#[test]
fn a_property_that_may_be_null_or_disabled_is_unknown() {
    let (_dir, report) = scan_files(&[("main.bicep", &single_server_ssl("param cond bool"))]);
    assert_eq!(verdicts(&report, "PG101"), vec![Verdict::Unknown], "{:#?}", all(&report));
}

#[test]
fn arm_a_property_that_may_be_null_or_disabled_is_unknown() {
    let template = arm_single_server_ssl(r#""cond": { "type": "bool" }"#);
    let (_dir, report) = scan_files(&[("azuredeploy.json", &template)]);
    assert_eq!(verdicts(&report, "PG101"), vec![Verdict::Unknown], "{:#?}", all(&report));
}

#[test]
fn null_passed_to_a_module_parameter_with_a_default_gives_the_default() {
    let module = "param access string = 'Disabled'
resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'pg-mod'
  location: 'westeurope'
  properties: {
    network: { publicNetworkAccess: access }
    backup: { geoRedundantBackup: 'Enabled' }
  }
}
";
    let main = "module m 'pg.bicep' = {
  name: 'm'
  params: { access: null }
}
";
    let (_dir, report) = scan_files(&[("main.bicep", main), ("pg.bicep", module)]);
    assert_eq!(verdicts(&report, "PG201"), vec![], "{:#?}", all(&report));
}

#[test]
fn arm_null_passed_to_a_nested_deployment_parameter_with_a_default_gives_the_default() {
    let template = arm(
        "",
        r#"    {
      "type": "Microsoft.Resources/deployments",
      "apiVersion": "2022-09-01",
      "name": "nested",
      "properties": {
        "mode": "Incremental",
        "expressionEvaluationOptions": { "scope": "inner" },
        "parameters": { "access": { "value": null } },
        "template": {
          "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
          "contentVersion": "1.0.0.0",
          "parameters": { "access": { "type": "string", "defaultValue": "Disabled" } },
          "resources": [
            {
              "type": "Microsoft.DBforPostgreSQL/flexibleServers",
              "apiVersion": "2024-08-01",
              "name": "pg-nested",
              "location": "westeurope",
              "properties": {
                "network": { "publicNetworkAccess": "[parameters('access')]" },
                "backup": { "geoRedundantBackup": "Enabled" }
              }
            }
          ]
        }
      }
    }"#,
    );
    let (_dir, report) = scan_files(&[("azuredeploy.json", &template)]);
    assert_eq!(verdicts(&report, "PG201"), vec![], "{:#?}", all(&report));
}

// Wrong unknowns where the answer is certain.

#[test]
fn arm_resource_id_of_the_server_name_parameter_is_the_server() {
    let template = arm(
        r#""serverName": { "type": "string" }"#,
        r#"    {
      "type": "Microsoft.DBforPostgreSQL/servers",
      "apiVersion": "2017-12-01",
      "name": "[parameters('serverName')]",
      "location": "westeurope",
      "properties": {
        "createMode": "Default",
        "sslEnforcement": "Enabled",
        "publicNetworkAccess": "Disabled",
        "storageProfile": { "geoRedundantBackup": "Enabled" }
      }
    },
    {
      "type": "Microsoft.Network/privateEndpoints",
      "apiVersion": "2023-11-01",
      "name": "pe",
      "location": "westeurope",
      "dependsOn": ["[resourceId('Microsoft.DBforPostgreSQL/servers', parameters('serverName'))]"],
      "properties": {
        "subnet": { "id": "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'endpoints')]" },
        "privateLinkServiceConnections": [
          {
            "name": "pg",
            "properties": {
              "privateLinkServiceId": "[resourceId('Microsoft.DBforPostgreSQL/servers', parameters('serverName'))]",
              "groupIds": ["postgresqlServer"]
            }
          }
        ]
      }
    }"#,
    );
    let (_dir, report) = scan_files(&[("azuredeploy.json", &template)]);
    assert_eq!(verdicts(&report, "PG204"), vec![], "{:#?}", all(&report));
}

#[test]
fn resource_id_of_the_server_name_parameter_is_the_server() {
    let main = "param serverName string
resource server 'Microsoft.DBforPostgreSQL/servers@2017-12-01' = {
  name: serverName
  location: 'westeurope'
  properties: {
    createMode: 'Default'
    sslEnforcement: 'Enabled'
    publicNetworkAccess: 'Disabled'
    storageProfile: { geoRedundantBackup: 'Enabled' }
  }
}
resource pe 'Microsoft.Network/privateEndpoints@2023-11-01' = {
  name: 'pe'
  location: 'westeurope'
  properties: {
    subnet: { id: resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'endpoints') }
    privateLinkServiceConnections: [
      {
        name: 'pg'
        properties: {
          privateLinkServiceId: resourceId('Microsoft.DBforPostgreSQL/servers', serverName)
          groupIds: ['postgresqlServer']
        }
      }
    ]
  }
}
";
    let (_dir, report) = scan_files(&[("main.bicep", main)]);
    assert_eq!(verdicts(&report, "PG204"), vec![], "{:#?}", all(&report));
}

#[test]
fn arm_resource_id_in_the_deployment_own_scope_is_the_server() {
    let template = arm(
        "",
        r#"    {
      "type": "Microsoft.DBforPostgreSQL/flexibleServers",
      "apiVersion": "2024-08-01",
      "name": "pg",
      "location": "westeurope",
      "properties": {
        "network": { "publicNetworkAccess": "Disabled" },
        "backup": { "geoRedundantBackup": "Enabled" }
      }
    },
    {
      "type": "Microsoft.Network/privateEndpoints",
      "apiVersion": "2023-11-01",
      "name": "pe",
      "location": "westeurope",
      "dependsOn": ["[resourceId('Microsoft.DBforPostgreSQL/flexibleServers', 'pg')]"],
      "properties": {
        "subnet": { "id": "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'endpoints')]" },
        "privateLinkServiceConnections": [
          {
            "name": "pg",
            "properties": {
              "privateLinkServiceId": "[resourceId(subscription().subscriptionId, resourceGroup().name, 'Microsoft.DBforPostgreSQL/flexibleServers', 'pg')]",
              "groupIds": ["postgresqlServer"]
            }
          }
        ]
      }
    }"#,
    );
    let (_dir, report) = scan_files(&[("azuredeploy.json", &template)]);
    assert_eq!(verdicts(&report, "PG204"), vec![], "{:#?}", all(&report));
}

#[test]
fn resource_id_in_the_deployment_own_scope_is_the_server() {
    let main = "resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'pg'
  location: 'westeurope'
  properties: {
    network: { publicNetworkAccess: 'Disabled' }
    backup: { geoRedundantBackup: 'Enabled' }
  }
}
resource pe 'Microsoft.Network/privateEndpoints@2023-11-01' = {
  name: 'pe'
  location: 'westeurope'
  properties: {
    subnet: { id: resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'endpoints') }
    privateLinkServiceConnections: [
      {
        name: 'pg'
        properties: {
          privateLinkServiceId: resourceId(subscription().subscriptionId, resourceGroup().name, 'Microsoft.DBforPostgreSQL/flexibleServers', 'pg')
          groupIds: ['postgresqlServer']
        }
      }
    ]
  }
}
";
    let (_dir, report) = scan_files(&[("main.bicep", main)]);
    assert_eq!(verdicts(&report, "PG204"), vec![], "{:#?}", all(&report));
}

#[test]
fn an_inline_subnet_id_is_never_empty() {
    let main = "resource vnet 'Microsoft.Network/virtualNetworks@2023-11-01' = {
  name: 'vnet'
  location: 'westeurope'
  properties: {
    addressSpace: { addressPrefixes: ['10.0.0.0/16'] }
    subnets: [
      {
        name: 'pg'
        properties: {
          addressPrefix: '10.0.0.0/24'
          delegations: [ { name: 'pg', properties: { serviceName: 'Microsoft.DBforPostgreSQL/flexibleServers' } } ]
        }
      }
    ]
  }
}
resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'pg'
  location: 'westeurope'
  properties: {
    network: { delegatedSubnetResourceId: vnet.properties.subnets[0].id }
    backup: { geoRedundantBackup: 'Enabled' }
  }
}
";
    let (_dir, report) = scan_files(&[("main.bicep", main)]);
    assert_eq!(verdicts(&report, "PG201"), vec![], "{:#?}", all(&report));
    assert_eq!(verdicts(&report, "PG204"), vec![], "{:#?}", all(&report));
}

#[test]
fn an_omitted_nullable_subnet_parameter_is_not_set() {
    let main = "param subnetId string?
resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'pg'
  location: 'westeurope'
  properties: {
    network: { publicNetworkAccess: 'Enabled', delegatedSubnetResourceId: subnetId }
    backup: { geoRedundantBackup: 'Enabled' }
  }
}
";
    let (_dir, report) = scan_files(&[("main.bicep", main)]);
    assert_eq!(verdicts(&report, "PG201"), vec![Verdict::Fail], "{:#?}", all(&report));
}

#[test]
fn arm_an_omitted_nullable_subnet_parameter_is_not_set() {
    let template = arm(
        r#""subnetId": { "type": "string", "nullable": true }"#,
        r#"    {
      "type": "Microsoft.DBforPostgreSQL/flexibleServers",
      "apiVersion": "2024-08-01",
      "name": "pg",
      "location": "westeurope",
      "properties": {
        "network": { "publicNetworkAccess": "Enabled", "delegatedSubnetResourceId": "[parameters('subnetId')]" },
        "backup": { "geoRedundantBackup": "Enabled" }
      }
    }"#,
    );
    let (_dir, report) = scan_files(&[("azuredeploy.json", &template)]);
    assert_eq!(verdicts(&report, "PG201"), vec![Verdict::Fail], "{:#?}", all(&report));
}

#[test]
fn an_existing_server_in_another_resource_group_is_not_the_local_server() {
    let main = "resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'pg'
  location: 'westeurope'
  properties: {
    version: '16'
    network: { publicNetworkAccess: 'Disabled' }
  }
}
resource other 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' existing = {
  name: 'pg'
  scope: resourceGroup('other-rg')
}
resource tls 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  parent: other
  name: 'require_secure_transport'
  properties: { value: 'off', source: 'user-override' }
}
";
    let (_dir, report) = scan_files(&[("main.bicep", main)]);
    // The configuration turns TLS off on the other server: a fail there, and the local one
    // may or may not be that server.
    let tls = verdicts(&report, "PG103");
    assert!(tls.contains(&Verdict::Fail), "{tls:?}");
}
