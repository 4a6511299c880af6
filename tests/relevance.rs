//! Deployments the rules can say nothing about are parsed, not evaluated. What the rules judge
//! decides it (their resource types, and outputs when an output rule is loaded), through every
//! module a root reaches: skipping never changes a verdict.

mod common;

use common::{all, scan_files, verdicts};
use pgguard::rules::Verdict;

const FLEX_MODULE: &str = "param access string
resource pg 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'pg'
  location: 'westeurope'
  properties: {
    network: {
      publicNetworkAccess: access
    }
  }
}
";

/// A root that names no PostgreSQL type but deploys one through a module decides its value.
#[test]
fn a_root_that_deploys_a_server_through_a_module_is_evaluated() {
    let main = "module db 'db.bicep' = {\n  name: 'db'\n  params: {\n    access: 'Enabled'\n  }\n}\n";
    let (_dir, report) = scan_files(&[("main.bicep", main), ("db.bicep", FLEX_MODULE)]);
    assert_eq!(verdicts(&report, "PG201"), vec![Verdict::Fail], "{:#?}", all(&report));
    let finding = report.findings.iter().find(|f| report.rules[f.rule].id == "PG201").expect("PG201");
    assert!(
        finding.contexts.iter().all(|c| c.contains("main.bicep")),
        "judged through its caller: {:?}",
        finding.contexts
    );
}

/// An ARM template that links a PostgreSQL template (`templateLink`) passes its values.
#[test]
fn an_arm_template_linking_a_server_is_evaluated() {
    let caller = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    { "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "pg",
      "properties": { "mode": "Incremental", "templateLink": { "relativePath": "pg.json" },
                      "parameters": { "access": { "value": "Enabled" } } } }
  ]
}"#;
    let linked = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": { "access": { "type": "string", "defaultValue": "Disabled" } },
  "resources": [
    { "type": "Microsoft.DBforPostgreSQL/flexibleServers", "apiVersion": "2024-08-01", "name": "pg",
      "location": "westeurope", "properties": { "network": { "publicNetworkAccess": "[parameters('access')]" } } }
  ]
}"#;
    let (_dir, report) = scan_files(&[("azuredeploy.json", caller), ("pg.json", linked)]);
    assert_eq!(verdicts(&report, "PG201"), vec![Verdict::Fail], "{:#?}", all(&report));
}

/// PG702 judges every template's outputs: a template without PostgreSQL that outputs a
/// secret is evaluated.
#[test]
fn a_template_without_postgresql_that_outputs_a_secret_is_evaluated() {
    let main = "@secure()\nparam storageKey string\noutput key string = 'key=${storageKey}'\n";
    let (_dir, report) = scan_files(&[("main.bicep", main)]);
    assert_eq!(verdicts(&report, "PG702"), vec![Verdict::Fail], "{:#?}", all(&report));
}

/// The types come from the rules: a user's rule for storage accounts judges a template with
/// nothing but a storage account.
#[test]
fn a_users_rule_for_another_type_widens_what_is_evaluated() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rule = r#"id = "ACME1"
slug = "storage-https"
title = "Storage accepts HTTP"
severity = "medium"

[[check]]
resource-type = "Microsoft.Storage/storageAccounts"
expect = { property = "properties.supportsHttpsTrafficOnly", equals = true, missing = "pass" }

[docs]
what = "w"
why = "w"
fix = "f"
example-fail = ""
example-pass = ""
"#;
    let main = "resource sa 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: 'sa'
  location: 'westeurope'
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    supportsHttpsTrafficOnly: false
  }
}
";
    std::fs::write(dir.path().join("main.bicep"), main).expect("write");
    let mut rules = pgguard::rules::builtin().expect("rules");
    rules.push(pgguard::rules::parse("acme.toml", rule).expect("rule"));
    let options = pgguard::scan::ScanOptions { rules, ..Default::default() };
    let report = pgguard::scan::scan(&[dir.path().to_path_buf()], options).expect("scan");
    assert_eq!(verdicts(&report, "ACME1"), vec![Verdict::Fail], "{:#?}", all(&report));
}

/// A template that names nothing the rules judge keeps only an outline after parsing (its tree
/// is most of the memory it costs); a deployment the rules judge that reaches it, as a module
/// or through an import, gets the tree back: its values still decide verdicts.
#[test]
fn modules_and_imports_without_judged_types_still_give_their_values() {
    let main = "import { settings } from 'shared.bicep'
module naming 'naming.bicep' = {
  name: 'naming'
}
resource pg 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: naming.outputs.name
  location: 'westeurope'
  properties: {
    network: { publicNetworkAccess: naming.outputs.access }
    backup: { geoRedundantBackup: settings.geo }
  }
}
";
    let naming = "output name string = 'pg-prod'\noutput access string = 'Enabled'\n";
    let shared = "@export()\nvar settings = { geo: 'Disabled' }\n";
    let files = [("main.bicep", main), ("naming.bicep", naming), ("shared.bicep", shared)];
    let (_dir, report) = scan_files(&files);
    assert_eq!(verdicts(&report, "PG201"), vec![Verdict::Fail], "{:#?}", all(&report));
    assert_eq!(verdicts(&report, "PG401"), vec![Verdict::Fail], "{:#?}", all(&report));
    let finding = report.findings.iter().find(|f| report.rules[f.rule].id == "PG201").expect("PG201");
    assert_eq!(finding.resource_name, "pg-prod", "{finding:#?}");
}
