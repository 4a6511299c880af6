//! The evaluator through the scan: loops, modules, conditions, `existing`, unknown values and
//! their reasons, and one finding per rule, location and verdict.

use pgguard::rules::Verdict;
use pgguard::scan::{ScanOptions, ScanReport, scan};
use std::path::Path;

/// Scans files written into a temporary folder with the built-in rules.
fn scan_files(files: &[(&str, &str)]) -> (tempfile::TempDir, ScanReport) {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    let report = scan(&[dir.path().to_path_buf()], ScanOptions::default()).expect("scan");
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
    // Evaluated on its own, the module's parameter is not known: an unknown at the same place.
    let unknown: Vec<_> = public.iter().filter(|f| f.verdict == Verdict::Unknown).collect();
    assert_eq!(unknown.len(), 1);
    assert!(unknown[0].message.contains("parameter `publicAccess` has no default"), "{}", unknown[0].message);
    assert_eq!(unknown[0].location, failed[0].location);
    // The trace names the caller's argument.
    assert!(failed[0].trace.iter().any(|t| t.label.contains("passed by module")), "{:?}", failed[0].trace);
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
