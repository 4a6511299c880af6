//! The evaluator through the scan: loops, modules, conditions, `existing`, unknown values and
//! their reasons, and one finding per rule, location and verdict.

use pgguard::rules::Verdict;
use pgguard::scan::{ScanOptions, ScanReport, scan};
use std::path::Path;

/// The rules these tests read the evaluator through: network, TLS and backup. The rest of the
/// catalogue has fixtures of its own under testdata/rules.
const RULES: &[&str] = &["PG101", "PG103", "PG201", "PG202", "PG203", "PG204", "PG401"];

/// Scans files written into a temporary folder with the rules above.
fn scan_files(files: &[(&str, &str)]) -> (tempfile::TempDir, ScanReport) {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    let select = Some(RULES.iter().map(|r| r.to_string()).collect());
    let report = scan(&[dir.path().to_path_buf()], ScanOptions { select, ..ScanOptions::default() }).expect("scan");
    (dir, report)
}

fn findings<'a>(report: &'a ScanReport, rule: &str) -> Vec<&'a pgguard::rules::Finding> {
    report.findings.iter().filter(|f| report.rules[f.rule].id == rule).collect()
}

/// A finding's contexts with the temporary folder left out.
fn contexts(dir: &tempfile::TempDir, finding: &pgguard::rules::Finding) -> Vec<String> {
    let prefix = format!("{}/", dir.path().display());
    finding.contexts.iter().map(|c| c.replace(&prefix, "")).collect()
}

fn line(report: &ScanReport, finding: &pgguard::rules::Finding) -> u32 {
    report.file(finding.location).line_col(finding.location.span.start).line
}

const SERVER: &str = "resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: serverName
  location: 'westeurope'
  properties: {
    version: '16'
  }
}
";

#[test]
fn loop_elements_give_one_finding_naming_each_instance() {
    let main = format!(
        "param serverName string = 'pg'
param ranges array = [
  {{ name: 'a', start: '0.0.0.0', end: '255.255.255.255' }}
  {{ name: 'b', start: '0.0.0.0', end: '255.255.255.255' }}
  {{ name: 'c', start: '10.0.0.0', end: '10.0.0.255' }}
]
{SERVER}
resource rules 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = [for r in ranges: {{
  parent: server
  name: r.name
  properties: {{
    startIpAddress: r.start
    endIpAddress: r.end
  }}
}}]
"
    );
    let (dir, report) = scan_files(&[("main.bicep", &main)]);
    let open = findings(&report, "PG203");
    assert_eq!(open.len(), 1, "{open:#?}");
    assert_eq!(open[0].verdict, Verdict::Fail);
    assert_eq!(contexts(&dir, open[0]), vec!["main.bicep › rules[0]".to_string(), "main.bicep › rules[1]".to_string()]);
    assert!(open[0].resource_name.starts_with("pg/"), "{}", open[0].resource_name);
}

#[test]
fn a_module_called_twice_reports_once_with_both_callers() {
    let module = format!(
        "param serverName string
param publicAccess string
{}",
        SERVER
            .replace("version: '16'", "version: '16'\n    network: {\n      publicNetworkAccess: publicAccess\n    }")
    );
    let main = "module one 'pg.bicep' = {
  name: 'one'
  params: { serverName: 'pg-one', publicAccess: 'Enabled' }
}
module two 'pg.bicep' = {
  name: 'two'
  params: { serverName: 'pg-two', publicAccess: 'Enabled' }
}
";
    let (dir, report) = scan_files(&[("main.bicep", main), ("pg.bicep", &module)]);
    let public = findings(&report, "PG201");
    let failed: Vec<_> = public.iter().filter(|f| f.verdict == Verdict::Fail).collect();
    assert_eq!(failed.len(), 1, "{public:#?}");
    assert_eq!(
        contexts(&dir, failed[0]),
        vec!["main.bicep › module one (pg.bicep)".to_string(), "main.bicep › module two (pg.bicep)".to_string()]
    );
    // The module is judged through its callers, not on its own: no unknown from its own
    // parameters, which both callers settle.
    assert!(public.iter().all(|f| f.verdict == Verdict::Fail), "{public:#?}");
    // The trace names the caller's argument.
    assert!(failed[0].trace.iter().any(|t| t.label().contains("passed by module")), "{:?}", failed[0].trace);
}

#[test]
fn unknown_values_say_why_and_never_pass_or_fail() {
    let main = format!(
        "param serverName string = 'pg'
param access string
{}",
        SERVER.replace("version: '16'", "version: '16'\n    network: {\n      publicNetworkAccess: access\n    }")
    );
    let (_dir, report) = scan_files(&[("main.bicep", &main)]);
    let public = findings(&report, "PG201");
    assert_eq!(public.len(), 1);
    assert_eq!(public[0].verdict, Verdict::Unknown);
    assert!(public[0].message.contains("parameter `access` has no default and no parameter file gives it"));
    assert_eq!(line(&report, public[0]), 9, "points at the property");
}

#[test]
fn existing_and_undeployed_resources_are_not_judged() {
    let main = "param deploy bool = false
resource old 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' existing = {
  name: 'pg-old'
}
resource maybe 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = if (deploy) {
  name: 'pg-maybe'
  location: 'westeurope'
}
";
    let (_dir, report) = scan_files(&[("main.bicep", main)]);
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
}

#[test]
fn children_named_after_an_unknown_server_name_still_link() {
    // The server name is unknown, but the child's name is built from the same parameter.
    let main = format!(
        "param serverName string
{SERVER}
resource tls 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {{
  name: '${{serverName}}/require_secure_transport'
  properties: {{
    value: 'OFF'
    source: 'user-override'
  }}
}}
"
    );
    let (_dir, report) = scan_files(&[("main.bicep", &main)]);
    let tls = findings(&report, "PG103");
    assert_eq!(tls.len(), 1, "{tls:#?}");
    assert_eq!(tls[0].verdict, Verdict::Fail);
}

#[test]
fn arm_copy_loops_and_conditions() {
    let template = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "serverName": { "type": "string", "defaultValue": "pg" },
    "addRules": { "type": "bool", "defaultValue": true }
  },
  "variables": { "starts": ["0.0.0.0", "0.0.0.0"] },
  "resources": [
    {
      "type": "Microsoft.DBforPostgreSQL/servers",
      "apiVersion": "2017-12-01",
      "name": "[parameters('serverName')]",
      "location": "westeurope",
      "properties": { "sslEnforcement": "Enabled", "publicNetworkAccess": "Disabled" }
    },
    {
      "condition": "[parameters('addRules')]",
      "copy": { "name": "rules", "count": 2 },
      "type": "Microsoft.DBforPostgreSQL/servers/firewallRules",
      "apiVersion": "2017-12-01",
      "name": "[format('{0}/rule{1}', parameters('serverName'), copyIndex())]",
      "properties": { "startIpAddress": "[variables('starts')[copyIndex()]]", "endIpAddress": "0.0.0.0" }
    }
  ]
}"#;
    let (_dir, report) = scan_files(&[("azuredeploy.json", template)]);
    let azure = findings(&report, "PG202");
    assert_eq!(azure.len(), 1, "{azure:#?}");
    assert_eq!(azure[0].contexts.len(), 2);
    let (_dir, report) =
        scan_files(&[("azuredeploy.json", &template.replace("\"defaultValue\": true", "\"defaultValue\": false"))]);
    assert!(findings(&report, "PG202").is_empty());
}

#[test]
fn scanning_the_same_tree_twice_gives_the_same_report() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let a = scan(std::slice::from_ref(&root), ScanOptions { threads: 1, ..ScanOptions::default() }).expect("scan");
    let b = scan(&[root], ScanOptions { threads: 2, ..ScanOptions::default() }).expect("scan");
    assert_eq!(a.findings, b.findings);
    assert_eq!(a.errors, b.errors);
}

/// "<rule> <verdict> <resource>" for each finding of a scan, sorted.
fn verdicts(report: &ScanReport) -> Vec<String> {
    let mut out: Vec<String> = report
        .findings
        .iter()
        .map(|f| format!("{} {} {}", report.rules[f.rule].id, f.verdict.as_str(), f.resource_name))
        .collect();
    out.sort();
    out
}

fn has(report: &ScanReport, expected: &str) -> bool {
    verdicts(report).iter().any(|v| v == expected)
}

/// A flexible server that passes PG201, PG204 and PG401.
const HARDENED: &str = "properties: {
    network: { publicNetworkAccess: 'Disabled', delegatedSubnetResourceId: 'subnet' }
    backup: { geoRedundantBackup: 'Enabled' }
  }";

#[test]
fn children_of_loop_elements_link_through_parent() {
    let main = format!(
        "resource srv 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = [for n in ['a', 'b']: {{
  name: 'pg-${{n}}'
  location: 'westeurope'
  {HARDENED}
}}]
resource tls 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = [for (n, i) in ['a', 'b']: {{
  parent: srv[i]
  name: 'require_secure_transport'
  properties: {{ value: 'off' }}
}}]
"
    );
    let (_dir, report) = scan_files(&[("main.bicep", &main)]);
    let tls = findings(&report, "PG103");
    assert_eq!(tls.len(), 1, "one place, two servers: {tls:#?}");
    assert_eq!(tls[0].verdict, Verdict::Fail);
    assert_eq!(tls[0].contexts.len(), 2);
}

#[test]
fn a_child_of_an_existing_reference_belongs_to_the_deployed_server() {
    let main = format!(
        "resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {{
  name: 'pg1'
  location: 'westeurope'
  {HARDENED}
}}
resource ref 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' existing = {{
  name: 'pg1'
}}
resource tls 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {{
  parent: ref
  name: 'require_secure_transport'
  properties: {{ value: 'off' }}
}}
"
    );
    let (_dir, report) = scan_files(&[("main.bicep", &main)]);
    assert_eq!(verdicts(&report), vec!["PG103 fail pg1".to_string()]);
}

#[test]
fn configurations_whose_names_are_unknown_make_parameters_unknown() {
    let main = format!(
        "param settings array
resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {{
  name: 'pg1'
  location: 'westeurope'
  {HARDENED}
}}
resource cfg 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = [for s in settings: {{
  parent: server
  name: s.name
  properties: {{ value: s.value }}
}}]
"
    );
    let (_dir, report) = scan_files(&[("main.bicep", &main)]);
    assert_eq!(verdicts(&report), vec!["PG103 unknown pg1".to_string()]);
}

#[test]
fn every_configuration_of_a_parameter_is_judged() {
    let main = format!(
        "resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {{
  name: 'pg1'
  location: 'westeurope'
  {HARDENED}
}}
resource on 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {{
  parent: server
  name: 'require_secure_transport'
  properties: {{ value: 'on' }}
}}
resource off 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {{
  parent: server
  name: 'require_secure_transport'
  properties: {{ value: 'off' }}
}}
"
    );
    let (_dir, report) = scan_files(&[("main.bicep", &main)]);
    assert_eq!(verdicts(&report), vec!["PG103 fail pg1".to_string()]);
}

#[test]
fn names_with_an_unknown_part_computed_once_still_link() {
    let main = format!(
        "var suffix = uniqueString(resourceGroup().id)
resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {{
  name: 'pg-${{suffix}}'
  location: 'westeurope'
  {HARDENED}
}}
resource tls 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {{
  name: '${{server.name}}/require_secure_transport'
  properties: {{ value: 'off' }}
}}
"
    );
    let (_dir, report) = scan_files(&[("main.bicep", &main)]);
    assert_eq!(verdicts(&report), vec!["PG103 fail pg-{…}".to_string()]);
}

#[test]
fn an_endpoint_to_one_module_instance_does_not_cover_another() {
    let module = "param name string
resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: name
  location: 'westeurope'
  properties: {
    network: { publicNetworkAccess: 'Disabled' }
    backup: { geoRedundantBackup: 'Enabled' }
  }
}
output id string = server.id
";
    let main = "module a 'srv.bicep' = {
  name: 'a'
  params: { name: 'pg-a' }
}
module b 'srv.bicep' = {
  name: 'b'
  params: { name: 'pg-b' }
}
resource pe 'Microsoft.Network/privateEndpoints@2023-11-01' = {
  name: 'pe'
  location: 'westeurope'
  properties: {
    privateLinkServiceConnections: [
      { name: 'b', properties: { privateLinkServiceId: '${b.outputs.id}', groupIds: ['postgresqlServer'] } }
    ]
  }
}
";
    let (_dir, report) = scan_files(&[("main.bicep", main), ("srv.bicep", module)]);
    assert!(has(&report, "PG204 fail pg-a"), "{:?}", verdicts(&report));
    assert!(
        !verdicts(&report).iter().any(|v| v.starts_with("PG204") && v.ends_with("pg-b")),
        "{:?}",
        verdicts(&report)
    );
}

#[test]
fn an_id_in_another_resource_group_is_unknown_not_a_match() {
    let main = "resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'pg1'
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
    privateLinkServiceConnections: [
      {
        name: 'c'
        properties: {
          privateLinkServiceId: resourceId('other-rg', 'Microsoft.DBforPostgreSQL/flexibleServers', 'pg1')
          groupIds: ['postgresqlServer']
        }
      }
    ]
  }
}
";
    let (_dir, report) = scan_files(&[("main.bicep", main)]);
    assert_eq!(verdicts(&report), vec!["PG204 unknown pg1".to_string()]);
}

#[test]
fn a_later_spread_overrides_an_earlier_property() {
    let main = "var base = { network: { publicNetworkAccess: 'Enabled' } }
resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'pg1'
  location: 'westeurope'
  properties: {
    network: { publicNetworkAccess: 'Disabled' }
    backup: { geoRedundantBackup: 'Enabled' }
    ...base
  }
}
";
    let (_dir, report) = scan_files(&[("main.bicep", main)]);
    assert!(has(&report, "PG201 fail pg1"), "{:?}", verdicts(&report));
}

#[test]
fn a_subnet_id_built_by_resource_id_is_set_even_with_unknown_names() {
    let main = "param vnetName string
resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'pg1'
  location: 'westeurope'
  properties: {
    network: { delegatedSubnetResourceId: resourceId('Microsoft.Network/virtualNetworks/subnets', vnetName, 'pg') }
    backup: { geoRedundantBackup: 'Enabled' }
  }
}
";
    let (_dir, report) = scan_files(&[("main.bicep", main)]);
    assert!(verdicts(&report).is_empty(), "{:?}", verdicts(&report));
}

#[test]
fn arm_inline_nested_deployments_and_property_copy_are_evaluated() {
    let template = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {
      "type": "Microsoft.Resources/deployments",
      "apiVersion": "2022-09-01",
      "name": "nested",
      "properties": {
        "mode": "Incremental",
        "expressionEvaluationOptions": { "scope": "inner" },
        "parameters": { "access": { "value": "Enabled" } },
        "template": {
          "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
          "contentVersion": "1.0.0.0",
          "parameters": { "access": { "type": "string" } },
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
            },
            {
              "type": "Microsoft.Network/privateEndpoints",
              "apiVersion": "2023-11-01",
              "name": "pe",
              "location": "westeurope",
              "properties": {
                "copy": [
                  {
                    "name": "privateLinkServiceConnections",
                    "count": 1,
                    "input": {
                      "name": "[format('c{0}', copyIndex('privateLinkServiceConnections'))]",
                      "properties": {
                        "privateLinkServiceId": "[resourceId('Microsoft.DBforPostgreSQL/flexibleServers', 'pg-nested')]",
                        "groupIds": ["postgresqlServer"]
                      }
                    }
                  }
                ]
              }
            }
          ]
        }
      }
    }
  ]
}"#;
    let (_dir, report) = scan_files(&[("azuredeploy.json", template)]);
    assert_eq!(verdicts(&report), vec!["PG201 fail pg-nested".to_string()]);
}

#[test]
fn a_resource_under_an_unknown_condition_is_judged_as_deployed_and_says_when() {
    let main = "param deployRule bool
param serverName string = 'pg1'
resource rule 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = if (deployRule) {
  name: '${serverName}/all'
  properties: { startIpAddress: '0.0.0.0', endIpAddress: '255.255.255.255' }
}
";
    let (_dir, report) = scan_files(&[("main.bicep", main)]);
    let open = findings(&report, "PG203");
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].verdict, Verdict::Fail);
    assert!(open[0].message.ends_with(" when `deployRule` is true"), "{}", open[0].message);
}

/// The report of a scan of these files.
fn scan_case(files: &[(&str, &str)]) -> ScanReport {
    scan_files(files).1
}

#[test]
fn an_element_of_a_filtered_loop_is_found_by_its_position() {
    let main = "var names = ['a', 'b', 'c']
resource srv 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = [for n in names: if (n != 'a') {
  name: 'pg-${n}'
  location: 'westeurope'
  properties: { network: { delegatedSubnetResourceId: 'subnet' }, backup: { geoRedundantBackup: 'Enabled' } }
}]
resource tls 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  parent: srv[1]
  name: 'require_secure_transport'
  properties: { value: 'off' }
}
";
    assert_eq!(verdicts(&scan_case(&[("main.bicep", main)])), vec!["PG103 fail pg-b".to_string()]);
}

#[test]
fn an_unknown_spread_may_replace_what_comes_before_it() {
    let main = "param extra object
resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'pg1'
  location: 'westeurope'
  properties: {
    network: { publicNetworkAccess: 'Disabled', delegatedSubnetResourceId: 'subnet' }
    backup: { geoRedundantBackup: 'Enabled' }
    ...extra
  }
}
";
    let report = scan_case(&[("main.bicep", main)]);
    assert!(has(&report, "PG201 unknown pg1") && has(&report, "PG401 unknown pg1"), "{:?}", verdicts(&report));
}

#[test]
fn unknowns_of_two_module_calls_are_different_values() {
    let module = "param base string
var suffix = uniqueString(base)
resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'pg-${suffix}'
  location: 'westeurope'
  properties: { network: { delegatedSubnetResourceId: 'subnet' }, backup: { geoRedundantBackup: 'Enabled' } }
}
output n string = server.name
";
    let main = "module m1 'pg.bicep' = {
  name: 'm1'
  params: { base: 'one' }
}
module m2 'pg.bicep' = {
  name: 'm2'
  params: { base: 'two' }
}
resource tls 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  name: '${m2.outputs.n}/require_secure_transport'
  properties: { value: 'off' }
}
";
    let (dir, report) = scan_files(&[("main.bicep", main), ("pg.bicep", module)]);
    let tls = findings(&report, "PG103");
    assert_eq!(tls.len(), 1, "{tls:#?}");
    assert_eq!(contexts(&dir, tls[0]), vec!["main.bicep › module m2 (pg.bicep)".to_string()]);
}

#[test]
fn an_endpoint_through_an_existing_reference_reaches_the_deployed_server() {
    let main = "resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'pg2'
  location: 'westeurope'
  properties: { network: { publicNetworkAccess: 'Disabled' }, backup: { geoRedundantBackup: 'Enabled' } }
}
resource ref 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' existing = {
  name: 'pg2'
}
resource pe 'Microsoft.Network/privateEndpoints@2023-11-01' = {
  name: 'pe'
  location: 'westeurope'
  properties: {
    privateLinkServiceConnections: [ { name: 'c', properties: { privateLinkServiceId: ref.id, groupIds: ['postgresqlServer'] } } ]
  }
}
";
    assert!(verdicts(&scan_case(&[("main.bicep", main)])).is_empty());
}

#[test]
fn a_configuration_under_an_unknown_condition_is_judged_as_deployed() {
    let main = "param setTls bool
resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'pg1'
  location: 'westeurope'
  properties: { network: { delegatedSubnetResourceId: 'subnet' }, backup: { geoRedundantBackup: 'Enabled' } }
}
resource tls 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = if (setTls) {
  parent: server
  name: 'require_secure_transport'
  properties: { value: 'off' }
}
";
    let report = scan_case(&[("main.bicep", main)]);
    assert_eq!(verdicts(&report), vec!["PG103 fail pg1".to_string()]);
    let tls = findings(&report, "PG103");
    assert!(tls[0].message.ends_with(" when `setTls` is true"), "{}", tls[0].message);
}

#[test]
fn a_parameter_default_with_an_unknown_part_names_children_too() {
    let template = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": { "serverName": { "type": "string", "defaultValue": "[concat('pg-', uniqueString(resourceGroup().id))]" } },
  "resources": [
    { "type": "Microsoft.DBforPostgreSQL/flexibleServers", "apiVersion": "2024-08-01", "name": "[parameters('serverName')]",
      "location": "westeurope",
      "properties": { "network": { "publicNetworkAccess": "Disabled", "delegatedSubnetResourceId": "subnet" }, "backup": { "geoRedundantBackup": "Enabled" } } },
    { "type": "Microsoft.DBforPostgreSQL/flexibleServers/configurations", "apiVersion": "2024-08-01",
      "name": "[concat(parameters('serverName'), '/require_secure_transport')]", "properties": { "value": "off" } }
  ]
}"#;
    assert_eq!(verdicts(&scan_case(&[("azuredeploy.json", template)])), vec!["PG103 fail pg-{…}".to_string()]);
}

#[test]
fn children_nested_in_a_conditional_resource_share_its_condition() {
    let main = "param deploy bool
resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = if (deploy) {
  name: 'pg'
  location: 'westeurope'
  properties: { network: { delegatedSubnetResourceId: 'subnet' }, backup: { geoRedundantBackup: 'Enabled' } }
  resource all 'firewallRules' = {
    name: 'all'
    properties: { startIpAddress: '0.0.0.0', endIpAddress: '255.255.255.255' }
  }
}
";
    let report = scan_case(&[("main.bicep", main)]);
    assert_eq!(verdicts(&report), vec!["PG203 fail pg/all".to_string()]);
    let open = findings(&report, "PG203");
    assert!(open[0].message.ends_with(" when `deploy` is true"), "{}", open[0].message);
}
