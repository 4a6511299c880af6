//! Values with alternatives: a parameter's allowed values and the branches of a ternary on an
//! unknown condition are each judged; the same verdict for all is the verdict, otherwise it
//! is unknown and names the input and the values that fail.

use pgguard::rules::{Finding, Verdict};
use pgguard::scan::{ScanOptions, ScanReport, scan};

fn scan_one(name: &str, text: &str) -> ScanReport {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join(name), text).expect("write");
    let report = scan(&[dir.path().to_path_buf()], ScanOptions::default()).expect("scan");
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    report
}

fn of<'a>(report: &'a ScanReport, rule: &str) -> Vec<&'a Finding> {
    report.findings.iter().filter(|f| report.rules[f.rule].id == rule).collect()
}

fn single(decorator: &str, value: &str) -> String {
    format!(
        "{decorator}
param sslMode string
param cond bool
resource server 'Microsoft.DBforPostgreSQL/servers@2017-12-01' = {{
  name: 'pg'
  location: 'westeurope'
  properties: {{
    sslEnforcement: {value}
    publicNetworkAccess: 'Disabled'
    storageProfile: {{ geoRedundantBackup: 'Enabled' }}
  }}
}}
"
    )
}

#[test]
fn an_allowed_set_that_all_passes_passes_and_one_that_all_fails_fails() {
    let report = scan_one("main.bicep", &single("@allowed(['Enabled'])", "sslMode"));
    assert!(of(&report, "PG101").is_empty(), "{:#?}", report.findings);
    let report = scan_one("main.bicep", &single("@allowed(['Disabled'])", "sslMode"));
    let ssl = of(&report, "PG101");
    assert_eq!(ssl.len(), 1);
    assert_eq!(ssl[0].verdict, Verdict::Fail);
}

#[test]
fn a_mixed_allowed_set_is_unknown_naming_the_failing_value() {
    let report = scan_one("main.bicep", &single("@allowed(['Enabled', 'Disabled'])", "sslMode"));
    let ssl = of(&report, "PG101");
    assert_eq!(ssl.len(), 1);
    assert_eq!(ssl[0].verdict, Verdict::Unknown);
    assert!(ssl[0].message.contains("fails when parameter `sslMode` is 'Disabled'"), "{}", ssl[0].message);
}

#[test]
fn a_literal_union_type_is_an_allowed_set() {
    let text = single("", "sslMode").replace("param sslMode string", "param sslMode 'Enabled' | 'ENABLED'");
    let report = scan_one("main.bicep", &text);
    assert!(of(&report, "PG101").is_empty(), "{:#?}", report.findings);
}

#[test]
fn a_ternary_on_an_unknown_condition_is_judged_branch_by_branch() {
    // Both branches pass: the condition does not matter.
    let report = scan_one("main.bicep", &single("", "cond ? 'Enabled' : 'ENABLED'"));
    assert!(of(&report, "PG101").is_empty(), "{:#?}", report.findings);
    // One fails: unknown, saying when.
    let report = scan_one("main.bicep", &single("", "cond ? 'Enabled' : 'Disabled'"));
    let ssl = of(&report, "PG101");
    assert_eq!(ssl.len(), 1);
    assert_eq!(ssl[0].verdict, Verdict::Unknown);
    assert!(ssl[0].message.contains("the condition on parameter `cond` does not hold"), "{}", ssl[0].message);
    // Both fail: fail.
    let report = scan_one("main.bicep", &single("", "cond ? 'Disabled' : 'disabled'"));
    assert_eq!(of(&report, "PG101").iter().map(|f| f.verdict).collect::<Vec<_>>(), vec![Verdict::Fail]);
}

#[test]
fn objects_chosen_by_a_ternary_are_read_through() {
    // AVM's shape: `network: cond ? { … } : { … }`; PG201 reads a member of either.
    let text = "param cond bool
resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'pg'
  location: 'westeurope'
  properties: {
    network: cond ? { publicNetworkAccess: 'Disabled', delegatedSubnetResourceId: 'subnet' } : { publicNetworkAccess: 'Disabled' }
    backup: { geoRedundantBackup: 'Enabled' }
  }
}
";
    let report = scan_one("main.bicep", text);
    assert!(of(&report, "PG201").is_empty(), "{:#?}", report.findings);
    // PG204: vnet-injected in one branch only, no endpoint: unknown, saying when it fails.
    let pe = of(&report, "PG204");
    assert_eq!(pe.len(), 1, "{pe:#?}");
    assert_eq!(pe[0].verdict, Verdict::Unknown);
}

#[test]
fn arm_allowed_values_and_if_are_alternatives() {
    let template = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "sslMode": { "type": "string", "allowedValues": ["Enabled", "Disabled"] },
    "prod": { "type": "bool" }
  },
  "resources": [
    {
      "type": "Microsoft.DBforPostgreSQL/servers",
      "apiVersion": "2017-12-01",
      "name": "pg",
      "location": "westeurope",
      "properties": {
        "sslEnforcement": "[parameters('sslMode')]",
        "publicNetworkAccess": "[if(parameters('prod'), 'Disabled', 'Disabled')]",
        "storageProfile": { "geoRedundantBackup": "[if(parameters('prod'), 'Enabled', 'Disabled')]" }
      }
    }
  ]
}"#;
    let report = scan_one("main.json", template);
    let ssl = of(&report, "PG101");
    assert_eq!(ssl.len(), 1);
    assert!(ssl[0].message.contains("fails when parameter `sslMode` is 'Disabled'"), "{}", ssl[0].message);
    assert!(of(&report, "PG201").is_empty());
    let backup = of(&report, "PG401");
    assert_eq!(backup.len(), 1);
    assert_eq!(backup[0].verdict, Verdict::Unknown);
    assert!(backup[0].message.contains("parameter `prod` does not hold"), "{}", backup[0].message);
}

/// `a ?? b`: what `sslEnforcement` is for a given left side (the rest of `single`).
fn coalesced(params: &str, value: &str) -> ScanReport {
    let text = single("", value).replace("param sslMode string\n", params);
    scan_one("main.bicep", &text)
}

#[test]
fn a_nullable_parameter_without_value_is_null_so_the_fallback_is_judged() {
    // The AVM shape: an optional input with a fallback. Omitted, it is null: the fallback decides.
    let report = coalesced("param sslMode string?\n", "sslMode ?? 'Disabled'");
    assert_eq!(of(&report, "PG101").iter().map(|f| f.verdict).collect::<Vec<_>>(), vec![Verdict::Fail]);
}

#[test]
fn coalescing_an_unknown_that_may_be_null_is_it_or_the_fallback() {
    // `cfg.?sslMode` may be null: the value is it or 'Disabled', never a pass.
    let report = coalesced("param cfg object\n", "cfg.?sslMode ?? 'Disabled'");
    let ssl = of(&report, "PG101");
    assert_eq!(ssl.len(), 1, "{:#?}", report.findings);
    assert_eq!(ssl[0].verdict, Verdict::Unknown);
    assert!(ssl[0].message.contains("fails when `cfg.?sslMode` is null"), "{}", ssl[0].message);
    // A passing fallback does not make it pass: the member itself is still unknown.
    let report = coalesced("param cfg object\n", "cfg.?sslMode ?? 'Enabled'");
    assert_eq!(of(&report, "PG101").iter().map(|f| f.verdict).collect::<Vec<_>>(), vec![Verdict::Unknown]);
    // A parameter without value that is not nullable cannot be null: the fallback is not used.
    let report = coalesced("param sslMode string\n", "sslMode ?? 'Disabled'");
    let ssl = of(&report, "PG101");
    assert_eq!(ssl.len(), 1);
    assert_eq!(ssl[0].verdict, Verdict::Unknown);
    assert!(!ssl[0].message.contains("fails when"), "{}", ssl[0].message);
}

#[test]
fn coalescing_alternatives_maps_each() {
    // Null in one branch: the fallback there, the other branch as it is.
    let report = coalesced("param sslMode string\n", "(cond ? null : 'Enabled') ?? 'Disabled'");
    let ssl = of(&report, "PG101");
    assert_eq!(ssl.len(), 1, "{:#?}", report.findings);
    assert_eq!(ssl[0].verdict, Verdict::Unknown);
    assert!(ssl[0].message.contains("fails when the condition on parameter `cond` holds"), "{}", ssl[0].message);
    let report = coalesced("param sslMode string\n", "(cond ? null : 'Enabled') ?? 'ENABLED'");
    assert!(of(&report, "PG101").is_empty(), "{:#?}", report.findings);
}

#[test]
fn arm_coalesce_over_an_unknown_member_is_it_or_the_fallback() {
    let template = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": { "cfg": { "type": "object" }, "mode": { "type": "string" } },
  "resources": [
    {
      "type": "Microsoft.DBforPostgreSQL/servers",
      "apiVersion": "2017-12-01",
      "name": "pg",
      "location": "westeurope",
      "properties": {
        "sslEnforcement": "[coalesce(parameters('cfg').sslMode, 'Disabled')]",
        "publicNetworkAccess": "[coalesce(parameters('mode'), 'Enabled')]",
        "storageProfile": { "geoRedundantBackup": "Enabled" }
      }
    }
  ]
}"#;
    let report = scan_one("main.json", template);
    let ssl = of(&report, "PG101");
    assert_eq!(ssl.len(), 1, "{:#?}", report.findings);
    assert_eq!(ssl[0].verdict, Verdict::Unknown);
    assert!(ssl[0].message.contains("fails when `cfg.sslmode` is null"), "{}", ssl[0].message);
    // `mode` must be given and cannot be null: the fallback is never used.
    let public = of(&report, "PG201");
    assert_eq!(public.len(), 1, "{:#?}", report.findings);
    assert_eq!(public[0].verdict, Verdict::Unknown);
    assert!(!public[0].message.contains("fails when"), "{}", public[0].message);
}

/// Files scanned together: a template and the files it imports.
fn scan_many(files: &[(&str, &str)]) -> ScanReport {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    let report = scan(&[dir.path().to_path_buf()], ScanOptions::default()).expect("scan");
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    report
}

#[test]
fn a_type_alias_of_a_literal_union_is_an_allowed_set() {
    let text = single("", "sslMode")
        .replace("param sslMode string", "type sslModes = 'Enabled' | 'Disabled'\nparam sslMode sslModes");
    let report = scan_one("main.bicep", &text);
    let ssl = of(&report, "PG101");
    assert_eq!(ssl.len(), 1, "{:#?}", report.findings);
    assert!(ssl[0].message.contains("fails when parameter `sslMode` is 'Disabled'"), "{}", ssl[0].message);
    // Through an alias of an alias, in parentheses.
    let text = single("", "sslMode")
        .replace("param sslMode string", "type on = 'Enabled'\ntype modes = (on | 'ENABLED')\nparam sslMode modes");
    let report = scan_one("main.bicep", &text);
    assert!(of(&report, "PG101").is_empty(), "{:#?}", report.findings);
    // A nullable alias, omitted, is null: the fallback is what is deployed.
    let text = single("", "sslMode ?? 'Disabled'")
        .replace("param sslMode string", "type modes = 'Enabled' | 'ENABLED'\nparam sslMode modes?");
    let report = scan_one("main.bicep", &text);
    assert_eq!(of(&report, "PG101").iter().map(|f| f.verdict).collect::<Vec<_>>(), vec![Verdict::Fail]);
}

#[test]
fn an_imported_literal_union_is_an_allowed_set() {
    let types = "@export()\ntype sslModes = 'Enabled' | 'Disabled'\n";
    let named = single("", "sslMode")
        .replace("param sslMode string", "import { sslModes as modes } from 'types.bicep'\nparam sslMode modes");
    let report = scan_many(&[("main.bicep", &named), ("types.bicep", types)]);
    let ssl = of(&report, "PG101");
    assert_eq!(ssl.len(), 1, "{:#?}", report.findings);
    assert!(ssl[0].message.contains("fails when parameter `sslMode` is 'Disabled'"), "{}", ssl[0].message);
    let namespace = single("", "sslMode")
        .replace("param sslMode string", "import * as types from 'types.bicep'\nparam sslMode types.sslModes");
    let report = scan_many(&[("main.bicep", &namespace), ("types.bicep", types)]);
    let ssl = of(&report, "PG101");
    assert_eq!(ssl.len(), 1, "{:#?}", report.findings);
    assert!(ssl[0].message.contains("fails when parameter `sslMode` is 'Disabled'"), "{}", ssl[0].message);
}
