//! What a scan evaluates: parameter files found beside templates or given on the command line
//! (each evaluated once, identical findings merged), `--param` values, modules judged through
//! their callers, compiled ARM twins of scanned Bicep skipped.

use pgguard::rules::{Finding, Verdict};
use pgguard::scan::{ScanOptions, ScanReport, UnitOptions, scan};

fn scan_with(files: &[(&str, &str)], units: UnitOptions) -> (tempfile::TempDir, ScanReport) {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("folder")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    let units = UnitOptions { param_files: units.param_files.iter().map(|p| dir.path().join(p)).collect(), ..units };
    let report = scan(&[dir.path().to_path_buf()], ScanOptions { units, ..ScanOptions::default() }).expect("scan");
    (dir, report)
}

fn of<'a>(report: &'a ScanReport, rule: &str) -> Vec<&'a Finding> {
    report.findings.iter().filter(|f| report.rules[f.rule].id == rule).collect()
}

fn contexts(dir: &tempfile::TempDir, finding: &Finding) -> Vec<String> {
    let prefix = format!("{}/", dir.path().display());
    finding.contexts.iter().map(|c| c.replace(&prefix, "")).collect()
}

const MAIN: &str = "param access string
resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'pg'
  location: 'westeurope'
  properties: {
    network: { publicNetworkAccess: access }
  }
}
";

const ARM: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": { "access": { "type": "string" } },
  "resources": [
    {
      "type": "Microsoft.DBforPostgreSQL/flexibleServers",
      "apiVersion": "2024-08-01",
      "name": "pg",
      "location": "westeurope",
      "properties": { "network": { "publicNetworkAccess": "[parameters('access')]" } }
    }
  ]
}"#;

fn arm_params(access: &str) -> String {
    format!(
        r#"{{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {{ "access": {{ "value": "{access}" }} }}
}}"#
    )
}

#[test]
fn a_bicepparam_file_gives_its_template_the_values() {
    let params = "using './main.bicep'\nparam access = 'Enabled'\n";
    let (dir, report) = scan_with(&[("main.bicep", MAIN), ("prod.bicepparam", params)], UnitOptions::default());
    let public = of(&report, "PG201");
    assert_eq!(public.len(), 1, "{public:#?}");
    assert_eq!(public[0].verdict, Verdict::Fail);
    assert_eq!(contexts(&dir, public[0]), vec!["main.bicep with prod.bicepparam".to_string()]);
    assert!(public[0].trace.iter().any(|t| t.label().contains("the parameter file gives `access`")));
}

#[test]
fn each_parameter_file_is_evaluated_and_identical_findings_merge() {
    let files = [
        ("main.json", ARM),
        ("main.parameters.json", &arm_params("Enabled") as &str),
        ("main.parameters.test.json", &arm_params("Enabled")),
        ("main.parameters.prod.json", &arm_params("Disabled")),
    ];
    let (dir, report) = scan_with(&files, UnitOptions::default());
    let public = of(&report, "PG201");
    // Enabled in two files: one finding naming both; Disabled passes.
    let fails: Vec<_> = public.iter().filter(|f| f.verdict == Verdict::Fail).collect();
    assert_eq!(fails.len(), 1, "{public:#?}");
    assert_eq!(
        contexts(&dir, fails[0]),
        vec!["main.json with main.parameters.json".to_string(), "main.json with main.parameters.test.json".to_string()]
    );
    assert!(public.iter().all(|f| f.verdict == Verdict::Fail), "{public:#?}");
}

#[test]
fn without_a_parameter_file_the_unknown_says_how_to_give_the_value() {
    let (_dir, report) = scan_with(&[("main.bicep", MAIN)], UnitOptions::default());
    let public = of(&report, "PG201");
    assert_eq!(public.len(), 1);
    assert_eq!(public[0].verdict, Verdict::Unknown);
    assert!(public[0].message.contains("--param access="), "{}", public[0].message);
}

#[test]
fn command_line_values_override_parameter_files() {
    let units = UnitOptions { params: vec![("access".into(), "Disabled".into())], ..UnitOptions::default() };
    let files = [("main.json", ARM), ("main.parameters.json", &arm_params("Enabled") as &str)];
    let (_dir, report) = scan_with(&files, units);
    assert!(of(&report, "PG201").is_empty(), "{:#?}", report.findings);
    // And on their own, they make an unknown known.
    let units = UnitOptions { params: vec![("access".into(), "\"Enabled\"".into())], ..UnitOptions::default() };
    let (_dir, report) = scan_with(&[("main.bicep", MAIN)], units);
    let public = of(&report, "PG201");
    assert_eq!(public.len(), 1);
    assert_eq!(public[0].verdict, Verdict::Fail);
}

#[test]
fn an_explicit_parameter_file_replaces_those_found() {
    let files = [
        ("main.json", ARM),
        ("main.parameters.json", &arm_params("Enabled") as &str),
        (
            "other/locked.json",
            &arm_params("Disabled").replace(
                "\"contentVersion\"",
                "\"metadata\": { \"template\": \"../main.json\" },\n  \"contentVersion\"",
            ),
        ),
    ];
    let units = UnitOptions { param_files: vec!["other/locked.json".into()], ..UnitOptions::default() };
    let (_dir, report) = scan_with(&files, units);
    assert!(of(&report, "PG201").is_empty(), "{:#?}", report.findings);
}

#[test]
fn a_key_vault_reference_is_a_secure_value_and_a_bad_entry_is_reported() {
    let params = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "access": { "reference": { "keyVault": { "id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.KeyVault/vaults/v" }, "secretName": "access" } },
    "other": { "valu": "typo" }
  }
}"#;
    let (_dir, report) = scan_with(&[("main.json", ARM), ("main.parameters.json", params)], UnitOptions::default());
    let public = of(&report, "PG201");
    assert_eq!(public.len(), 1);
    assert_eq!(public[0].verdict, Verdict::Unknown);
    assert!(public[0].message.contains("Key Vault"), "{}", public[0].message);
    assert!(
        report
            .errors
            .iter()
            .any(|e| e.message.contains("parameter `other`") && e.path.ends_with("main.parameters.json")),
        "{:#?}",
        report.errors
    );
}

#[test]
fn a_module_is_judged_through_its_callers_unless_all_roots() {
    let module = "param access string\nresource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {\n  name: 'pg'\n  location: 'westeurope'\n  properties: { network: { publicNetworkAccess: access } }\n}\n";
    let main = "module pg 'pg.bicep' = {\n  name: 'pg'\n  params: { access: 'Disabled' }\n}\n";
    let files = [("main.bicep", main), ("pg.bicep", module)];
    let (_dir, report) = scan_with(&files, UnitOptions::default());
    assert!(of(&report, "PG201").is_empty(), "the caller settles the module's input: {:#?}", report.findings);
    let (_dir, report) = scan_with(&files, UnitOptions { all_roots: true, ..UnitOptions::default() });
    let public = of(&report, "PG201");
    assert_eq!(public.len(), 1, "{public:#?}");
    assert_eq!(public[0].verdict, Verdict::Unknown, "the module on its own");
}

#[test]
fn an_arm_template_compiled_from_a_scanned_bicep_file_is_judged_once() {
    let bicep = "resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {\n  name: 'pg'\n  location: 'westeurope'\n  properties: { network: { publicNetworkAccess: 'Enabled' } }\n}\n";
    let compiled = ARM
        .replace("\"[parameters('access')]\"", "\"Enabled\"")
        .replace("\"contentVersion\"", "\"metadata\": { \"_generator\": { \"name\": \"bicep\", \"version\": \"0.30.23.60470\" } },\n  \"contentVersion\"");
    let files = [("main.bicep", bicep), ("main.json", &compiled as &str)];
    let (_dir, report) = scan_with(&files, UnitOptions::default());
    assert_eq!(of(&report, "PG201").len(), 1, "{:#?}", report.findings);
    assert_eq!(report.skipped_compiled, 1);
    let (_dir, report) = scan_with(&files, UnitOptions { include_compiled: true, ..UnitOptions::default() });
    assert_eq!(of(&report, "PG201").len(), 2, "{:#?}", report.findings);
    assert_eq!(report.skipped_compiled, 0);
}
