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

/// What a resource's `list*()` action returns (keys, connection strings) and `getSecret()` of a
/// `.bicepparam` file are secrets read at deployment, however they are called and whatever is
/// built around them.
#[test]
fn list_actions_and_getsecret_are_secrets_read_at_deployment() {
    let main = "resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: 'st'
}
output method string = storage.listKeys().keys[0].value
output function string = listKeys(storage.id, '2023-05-01').keys[0].value
output connection string = 'AccountKey=${storage.listKeys().keys[0].value}'
output other string = storage.listConnectionStrings().connectionStrings[0].connectionString
output plain string = storage.id
";
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("main.bicep"), main).expect("write");
    let evaluated = pgguard::scan::evaluate(&[dir.path().to_path_buf()]).expect("evaluate");
    let outputs: Vec<_> = evaluated.deployments.iter().flat_map(|d| &d.outputs).collect();
    let find = |name: &str| outputs.iter().find(|o| o.name == name).unwrap_or_else(|| panic!("{name}: {outputs:#?}"));
    for name in ["method", "function", "connection", "other"] {
        let output = find(name);
        assert!(output.value.is_secure(), "{name}: {:?}", output.value.trace);
        assert!(output.value.trace.iter().any(|t| t.kind == TraceKind::Secret), "{name}");
    }
    assert!(!find("plain").value.is_secure(), "a resource id is no secret");

    // `getSecret()` in a `.bicepparam` file replaces a default that PG701 fails alone.
    let main = "@secure()
param password string = 'written-down'
resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'pg'
  location: 'westeurope'
  properties: {
    administratorLoginPassword: password
  }
}
";
    let params = "using './main.bicep'\nparam password = az.getSecret('sub', 'rg', 'kv', 'secret')\n";
    let (_dir, alone) = scan_files(&[("main.bicep", main)]);
    assert_eq!(failing(&alone, "PG701").len(), 1, "{:#?}", alone.findings);
    let (_dir, given) = scan_files(&[("main.bicep", main), ("main.bicepparam", params)]);
    let found: Vec<_> = given.findings.iter().filter(|f| given.rules[f.rule].id == "PG701").collect();
    assert!(found.is_empty(), "{found:#?}");
}

/// `secure-input` (PG701) on the forms a password takes that a fixture's name cannot say: the
/// finding names the parameter as declared and never repeats the value.
#[test]
fn secure_input_judges_where_a_password_comes_from() {
    let server = |password: &str| {
        format!(
            "resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {{
  name: 'pg'
  location: 'westeurope'
  properties: {{
    administratorLoginPassword: {password}
  }}
}}
"
        )
    };
    let cases: Vec<(String, Option<&str>)> = vec![
        // A parameter nobody gives that is not @secure(): named as declared.
        (
            format!("param adminPassword string\n{}", server("adminPassword")),
            Some("`adminPassword` is not `@secure()`"),
        ),
        // A @secure() default computed from the template is predictable.
        (format!("@secure()\nparam p string = guid(resourceGroup().id)\n{}", server("p")), Some("computed")),
        // A @secure() default that is another @secure() input is that input.
        (format!("@secure()\nparam a string\n@secure()\nparam b string = a\n{}", server("b")), None),
        // A default that is a parameter that is not @secure().
        (format!("param a string\n@secure()\nparam b string = a\n{}", server("b")), Some("`a` is not `@secure()`")),
        // A member of an object parameter that is not @secure() (ARM `object`, not `secureObject`).
        (format!("param common object\n{}", server("common.password")), Some("`common` is not `@secure()`")),
        (format!("@secure()\nparam common object\n{}", server("common.password")), None),
        // A number is written in the template too.
        (server("12345678"), Some("written in the template")),
        // `reference()` may return anything: unknown, not a pass.
        (server("reference('other').outputs.pw.value"), Some("unknown")),
    ];
    for (text, expected) in cases {
        let (_dir, report) = scan_files(&[("main.bicep", &text)]);
        let found: Vec<&Finding> = report.findings.iter().filter(|f| report.rules[f.rule].id == "PG701").collect();
        match expected {
            None => assert!(found.is_empty(), "{text}\n{found:#?}"),
            Some("unknown") => {
                assert!(found.len() == 1 && found[0].verdict == Verdict::Unknown, "{text}\n{found:#?}")
            }
            Some(message) => {
                assert!(found.len() == 1 && found[0].verdict == Verdict::Fail, "{text}\n{found:#?}");
                assert!(found[0].message.contains(message), "{text}\n{}", found[0].message);
                assert!(!found[0].message.contains("12345678"), "the value is never shown");
            }
        }
    }
}

/// A value computed from a secret without revealing it (a hash, a length) is no secret; one that
/// transforms it is; a member of an object made with `createObject()` carries only its own
/// origin, not its siblings' secrets; a secret survives a long chain of steps.
#[test]
fn what_carries_a_secret_and_what_does_not() {
    let vars: String = (0..20).map(|i| format!("var v{i} = 'part{i}'\n")).collect();
    let chain: String = (0..20).map(|i| format!("${{v{i}}}")).collect();
    let main = format!(
        "@secure()
param pw string
@secure()
param given string = ''
resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {{
  name: 'st'
}}
{vars}
output hashed string = guid(pw)
output unique string = uniqueString(pw, 'x')
output size int = length(pw)
output lower string = toLower(pw)
output encoded string = base64(pw)
output sibling string = createObject('name', 'n', 'key', given).name
output keyed string = createObject('name', 'n', 'key', given).key
output long string = '{chain}${{pw}}{chain}'
"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("main.bicep"), main).expect("write");
    let evaluated = pgguard::scan::evaluate(&[dir.path().to_path_buf()]).expect("evaluate");
    let outputs: Vec<_> = evaluated.deployments.iter().flat_map(|d| &d.outputs).collect();
    let secure = |name: &str| {
        outputs.iter().find(|o| o.name == name).unwrap_or_else(|| panic!("{name}: {outputs:#?}")).value.is_secure()
    };
    for name in ["hashed", "unique", "size", "sibling"] {
        assert!(!secure(name), "{name} reveals no secret");
    }
    for name in ["lower", "encoded", "keyed", "long"] {
        assert!(secure(name), "{name} carries the secret");
    }
}

/// A nested deployment's parameter written as an expression that makes `{ "value": … }` is
/// that value, not a Key Vault reference.
#[test]
fn a_nested_parameter_made_by_an_expression_is_no_key_vault_reference() {
    let template = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": { "flag": { "type": "bool" } },
  "resources": [
    {
      "type": "Microsoft.Resources/deployments",
      "apiVersion": "2022-09-01",
      "name": "inner",
      "properties": {
        "mode": "Incremental",
        "expressionEvaluationOptions": { "scope": "inner" },
        "parameters": {
          "name": "[if(parameters('flag'), createObject('value', 'a'), createObject('value', 'b'))]",
          "secret": { "reference": { "keyVault": { "id": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv" }, "secretName": "s" } }
        },
        "template": {
          "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
          "contentVersion": "1.0.0.0",
          "parameters": { "name": { "type": "string" }, "secret": { "type": "securestring" } },
          "resources": [],
          "outputs": {
            "name": { "type": "string", "value": "[parameters('name')]" },
            "secret": { "type": "string", "value": "[parameters('secret')]" }
          }
        }
      }
    }
  ]
}"#;
    let (_dir, report) = scan_files(&[("main.json", template)]);
    let found: Vec<String> = report
        .findings
        .iter()
        .filter(|f| report.rules[f.rule].id == "PG702")
        .map(|f| format!("{} {}", f.verdict.as_str(), f.resource_name))
        .collect();
    assert_eq!(found, vec!["fail secret".to_string()], "{:#?}", report.findings);
}

/// No report shows a secret that a rule judges: not the literal password (PG701), not the
/// literal default of the `@secure()` parameter an output carries (PG702), in any format.
#[test]
fn reports_never_show_the_secret() {
    let main = "@secure()
param shared string = 'Shared-Secret-1'
resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'pg'
  location: 'westeurope'
  properties: {
    administratorLoginPassword: 'Literal-Secret-2'
  }
}
output connection string = 'password=${shared}'
";
    // Only these rules' findings: another rule's excerpt may show the lines around it.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("main.bicep"), main).expect("write");
    let select = Some(vec!["PG701".to_string(), "PG702".to_string()]);
    let report = scan(&[dir.path().to_path_buf()], ScanOptions { select, ..ScanOptions::default() }).expect("scan");
    assert_eq!(failing(&report, "PG701").len(), 1, "{:#?}", report.findings);
    assert_eq!(failing(&report, "PG702").len(), 1, "{:#?}", report.findings);
    assert_eq!(report.findings.len(), 2, "{:#?}", report.findings);
    use pgguard::report::{Format, RenderOptions, render};
    let options = RenderOptions { color: false, width: 100, quiet: false, ..RenderOptions::default() };
    for format in [Format::Human, Format::Concise, Format::Json, Format::Sarif] {
        let text = render(&report, format, &options);
        let findings = text.split("## What it does").next().unwrap_or_default();
        for secret in ["Shared-Secret-1", "Literal-Secret-2"] {
            assert!(!findings.contains(secret), "{format:?} shows {secret}:\n{text}");
        }
    }
    // The output's expression is no secret: it stays readable.
    assert!(render(&report, Format::Human, &options).contains("password=${shared}"));
}
