//! Where a value came from: every finding's trace names the parameter, variable, module
//! output, loop element or spread its value passed through, as typed steps; secure inputs
//! are marked; outputs are in the model.

use pgguard::model::TraceKind;
use pgguard::rules::{Finding, Verdict};
use pgguard::scan::{ScanOptions, ScanReport, scan};

fn scan_files(files: &[(&str, &str)]) -> (tempfile::TempDir, ScanReport) {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    let report = scan(&[dir.path().to_path_buf()], ScanOptions::default()).expect("scan");
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    (dir, report)
}

fn failing<'a>(report: &'a ScanReport, rule: &str) -> Vec<&'a Finding> {
    report.findings.iter().filter(|f| report.rules[f.rule].id == rule && f.verdict == Verdict::Fail).collect()
}

fn line(report: &ScanReport, origin: pgguard::source::Origin) -> u32 {
    report.file(origin).line_col(origin.span.start).line
}

#[test]
fn a_value_from_a_module_output_names_the_output() {
    let module = "output access string = 'Enabled'\n";
    let main = "module settings 'settings.bicep' = {
  name: 'settings'
}
resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'pg'
  location: 'westeurope'
  properties: {
    network: { publicNetworkAccess: settings.outputs.access }
  }
}
";
    let (_dir, report) = scan_files(&[("main.bicep", main), ("settings.bicep", module)]);
    let public = failing(&report, "PG201");
    assert_eq!(public.len(), 1, "{:#?}", report.findings);
    let output = public[0]
        .trace
        .iter()
        .find(|t| matches!(&t.kind, TraceKind::ModuleOutput { module, output } if module == "settings" && output == "access"))
        .unwrap_or_else(|| panic!("{:?}", public[0].trace));
    assert_eq!(line(&report, output.origin), 1, "points at the output declaration");
}

#[test]
fn a_loop_over_items_of_a_variable_names_the_variable() {
    let main = "var ranges = {
  everyone: { start: '0.0.0.0', end: '255.255.255.255' }
}
resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' existing = {
  name: 'pg'
}
resource rules 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = [for r in items(ranges): {
  parent: server
  name: r.key
  properties: { startIpAddress: r.value.start, endIpAddress: r.value.end }
}]
";
    let (_dir, report) = scan_files(&[("main.bicep", main)]);
    let open = failing(&report, "PG203");
    assert_eq!(open.len(), 1, "{:#?}", report.findings);
    let kinds: Vec<&TraceKind> = open[0].trace.iter().map(|t| &t.kind).collect();
    assert!(kinds.iter().any(|k| matches!(k, TraceKind::Variable { name } if name == "ranges")), "{kinds:?}");
    assert!(kinds.iter().any(|k| matches!(k, TraceKind::LoopElement { .. })), "{kinds:?}");
}

#[test]
fn a_spread_value_points_at_the_spread() {
    let main = "var base = {
  network: { publicNetworkAccess: 'Enabled' }
}
resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'pg'
  location: 'westeurope'
  properties: {
    version: '16'
    ...base
  }
}
";
    let (_dir, report) = scan_files(&[("main.bicep", main)]);
    let public = failing(&report, "PG201");
    assert_eq!(public.len(), 1, "{:#?}", report.findings);
    let spread = public[0].trace.iter().find(|t| t.kind == TraceKind::Spread).expect("a spread step");
    assert_eq!(line(&report, spread.origin), 9, "the spread's line");
    assert!(public[0].trace.iter().any(|t| matches!(&t.kind, TraceKind::Variable { name } if name == "base")));
}

#[test]
fn secure_parameters_and_secrets_are_secure_inputs() {
    let main = "@secure()
param password string
param plain string = 'x'
resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: 'kv'
}
module m 'm.bicep' = {
  name: 'm'
  params: { a: password, b: plain, c: vault.getSecret('s') }
}
";
    let module = "param a string\nparam b string\nparam c string\noutput a string = a\noutput b string = b\n@secure()\noutput c string = c\n";
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("main.bicep"), main).expect("write");
    std::fs::write(dir.path().join("m.bicep"), module).expect("write");
    let evaluated = pgguard::scan::evaluate(&[dir.path().join("main.bicep")]).expect("evaluate");
    let outputs: Vec<_> = evaluated.deployments.iter().flat_map(|d| &d.outputs).collect();
    let find = |name: &str| outputs.iter().find(|o| o.name == name).unwrap_or_else(|| panic!("{name}: {outputs:#?}"));
    assert!(find("a").value.is_secure(), "a @secure() parameter");
    assert!(!find("b").value.is_secure(), "a plain parameter");
    assert!(find("c").value.is_secure() && find("c").secure, "getSecret() and a @secure() output");
}
