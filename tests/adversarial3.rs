//! Hostile review of issue 12 (values with alternatives, parameter values and deployment
//! units, the function library). Each test without a `// holds today` mark fails today and
//! asserts the verdict Azure's deployment calls for; the marked ones are regressions.

use pgguard::rules::{Finding, Verdict};
use pgguard::scan::{ScanOptions, ScanReport, UnitOptions, scan};

fn scan_with(files: &[(&str, &str)], units: UnitOptions) -> (tempfile::TempDir, ScanReport) {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("folder")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    let report = scan(&[dir.path().to_path_buf()], ScanOptions { units, ..ScanOptions::default() }).expect("scan");
    (dir, report)
}

fn scan_files(files: &[(&str, &str)]) -> ScanReport {
    scan_with(files, UnitOptions::default()).1
}

fn of<'a>(report: &'a ScanReport, rule: &str) -> Vec<&'a Finding> {
    report.findings.iter().filter(|f| report.rules[f.rule].id == rule).collect()
}

fn verdicts(report: &ScanReport, rule: &str) -> Vec<Verdict> {
    of(report, rule).iter().map(|f| f.verdict).collect()
}

/// A single server whose `sslEnforcement` is `ssl` (a Bicep expression); everything else passes
/// what can pass without a private endpoint.
fn server(ssl: &str) -> String {
    format!(
        "resource server 'Microsoft.DBforPostgreSQL/servers@2017-12-01' = {{
  name: 'pg'
  location: 'westeurope'
  properties: {{
    sslEnforcement: {ssl}
    publicNetworkAccess: 'Disabled'
    storageProfile: {{ geoRedundantBackup: 'Enabled' }}
  }}
}}
"
    )
}

// ---------------------------------------------------------------------------------------------
// Values with alternatives
// ---------------------------------------------------------------------------------------------

/// `open ? true : false` and `open` are the same value. The ternary's options are keyed by the
/// symbol of its condition (`parameter open`) in the order [holds, does not hold]; the
/// parameter's `@allowed([false, true])` options carry the same key in the order written.
/// `by_options`/`map_options` zip them by position, so `false` is paired with "holds": the
/// comparison is judged always false, `sslEnforcement` is taken to be 'Enabled', and the
/// server, which always deploys with 'Disabled', gets no PG101 finding.
#[test]
fn a_ternary_on_an_allowed_bool_is_paired_with_that_bool_by_value_not_position() {
    let text = format!(
        "@allowed([false, true])
param open bool
{}",
        server("(open ? true : false) == open ? 'Disabled' : 'Enabled'")
    );
    let report = scan_files(&[("main.bicep", &text)]);
    assert_eq!(verdicts(&report, "PG101"), vec![Verdict::Fail], "{:#?}", report.findings);
}

/// The same mis-pairing through `!`: `!open` maps the parameter's options ([true, false] in the
/// order of `@allowed([false, true])`), `open ? false : true` has [false, true]; zipped by
/// position they always differ, though the two are the same value.
#[test]
fn a_negated_allowed_bool_is_paired_with_a_ternary_on_it_by_value() {
    let text = format!(
        "@allowed([false, true])
param open bool
{}",
        server("(!open) == (open ? false : true) ? 'Disabled' : 'Enabled'")
    );
    let report = scan_files(&[("main.bicep", &text)]);
    assert_eq!(verdicts(&report, "PG101"), vec![Verdict::Fail], "{:#?}", report.findings);
}

/// ARM: `if()` on a parameter whose `allowedValues` is `[false, true]`, compared with that
/// parameter: always equal, so the server always deploys with SSL off.
#[test]
fn arm_if_on_an_allowed_bool_is_paired_with_that_bool_by_value() {
    let template = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "open": { "type": "bool", "allowedValues": [false, true] }
  },
  "resources": [
    {
      "type": "Microsoft.DBforPostgreSQL/servers",
      "apiVersion": "2017-12-01",
      "name": "pg",
      "location": "westeurope",
      "properties": {
        "sslEnforcement": "[if(equals(if(parameters('open'), true(), false()), parameters('open')), 'Disabled', 'Enabled')]",
        "publicNetworkAccess": "Disabled",
        "storageProfile": { "geoRedundantBackup": "Enabled" }
      }
    }
  ]
}"#;
    let report = scan_files(&[("main.json", template)]);
    assert_eq!(verdicts(&report, "PG101"), vec![Verdict::Fail], "{:#?}", report.findings);
}

/// `@allowed` on an `array` parameter lists the values its *elements* may take (the value is
/// a subset, e.g. `['Disabled']`), but `params::missing` makes every allowed value an option
/// of the whole parameter whatever its type. `modes == ['Disabled']` is then compared as
/// `'Enabled' == ['Disabled']` and `'Disabled' == ['Disabled']`: false for both, so SSL is
/// judged always on, though `modes: ['Disabled']` deploys it off.
#[test]
fn an_allowed_set_on_an_array_parameter_is_not_the_set_of_its_values() {
    let text = format!(
        "@allowed(['Enabled', 'Disabled'])
param modes array
{}",
        server("modes == ['Disabled'] ? 'Disabled' : 'Enabled'")
    );
    let report = scan_files(&[("main.bicep", &text)]);
    assert!(!of(&report, "PG101").is_empty(), "{:#?}", report.findings);
}

/// Alternatives are bounded only where an `@allowed` set becomes options (`MAX_OPTIONS`):
/// `ops::choice` nests a ternary's options inside another's without counting the values they
/// stand for, and `Check::options_or_unknown` judges every leaf. Two chains of variables that
/// each pick between the other's previous values double the leaves per line: 2^n judgements
/// for 2n lines (n = 18 takes 5 s in a debug build, each further line doubles it). A valid
/// 70-line template hangs the scan.
#[test]
fn nested_alternatives_are_bounded() {
    let n = 32;
    let mut text = String::new();
    for k in 0..n {
        text.push_str(&format!("param c{k} bool\nparam d{k} bool\n"));
    }
    text.push_str(
        "param c bool\nparam d bool\nvar v0 = c ? 'Enabled' : 'ENABLED'\nvar w0 = d ? 'enabled' : 'Enabled'\n",
    );
    for k in 0..n {
        text.push_str(&format!("var v{} = c{k} ? v{k} : w{k}\nvar w{} = d{k} ? w{k} : v{k}\n", k + 1, k + 1));
    }
    text.push_str(&server(&format!("v{n}")));
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let report = scan_files(&[("main.bicep", &text)]);
        let _ = sender.send(verdicts(&report, "PG101"));
    });
    let verdicts = receiver.recv_timeout(std::time::Duration::from_secs(30)).expect("the scan finishes in 30 s");
    // Every value is some case of 'Enabled': a pass, or an unknown past the bound.
    assert!(verdicts.iter().all(|v| *v == Verdict::Unknown), "{verdicts:?}");
}

// holds today
#[test]
fn two_ternaries_on_one_condition_are_paired_branch_by_branch() {
    // Both sides take the same branch: always equal, so SSL is always on.
    let text = format!(
        "param prod bool
{}",
        server("(prod ? 'a' : 'b') == (prod ? 'a' : 'b') ? 'Enabled' : 'Disabled'")
    );
    let report = scan_files(&[("main.bicep", &text)]);
    assert!(of(&report, "PG101").is_empty(), "{:#?}", report.findings);
    // Different branches of one condition: never equal, SSL always off.
    let text = format!(
        "param prod bool
{}",
        server("(prod ? 'a' : 'b') == (prod ? 'b' : 'a') ? 'Enabled' : 'Disabled'")
    );
    let report = scan_files(&[("main.bicep", &text)]);
    assert_eq!(verdicts(&report, "PG101"), vec![Verdict::Fail], "{:#?}", report.findings);
}

const FLEX_CONFIG: &str = "resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'pg'
  location: 'westeurope'
  properties: {
    version: '16'
  }
  resource tls 'configurations' = {
    name: NAME
    properties: {
      value: VALUE
      source: 'user-override'
    }
  }
}
";

// holds today
#[test]
fn a_server_parameter_with_alternatives_is_not_a_pass() {
    // The value picked by an allowed set: unknown, naming the failing value.
    let text = format!(
        "@allowed(['on', 'off'])
param tlsValue string
{}",
        FLEX_CONFIG.replace("NAME", "'require_secure_transport'").replace("VALUE", "tlsValue")
    );
    let report = scan_files(&[("main.bicep", &text)]);
    let tls = of(&report, "PG103");
    assert_eq!(tls.len(), 1, "{:#?}", report.findings);
    assert!(matches!(tls[0].verdict, Verdict::Unknown), "{:#?}", tls[0]);
    assert!(tls[0].message.contains("'off'"), "{}", tls[0].message);
    // The configuration's name picked by a ternary: one branch turns TLS off.
    let text = format!(
        "param strict bool
{}",
        FLEX_CONFIG
            .replace("NAME", "strict ? 'require_secure_transport' : 'log_connections'")
            .replace("VALUE", "'off'")
    );
    let report = scan_files(&[("main.bicep", &text)]);
    assert_eq!(verdicts(&report, "PG103"), vec![Verdict::Unknown], "{:#?}", report.findings);
    // Both allowed names turn TLS off when one of them is the TLS parameter: not a pass.
    let text = format!(
        "@allowed(['require_secure_transport', 'REQUIRE_SECURE_TRANSPORT'])
param setting string
{}",
        FLEX_CONFIG.replace("NAME", "setting").replace("VALUE", "'off'")
    );
    let report = scan_files(&[("main.bicep", &text)]);
    assert!(!of(&report, "PG103").is_empty(), "{:#?}", report.findings);
}

// ---------------------------------------------------------------------------------------------
// Deployment units
// ---------------------------------------------------------------------------------------------

/// `import { tier } from 'lib.bicep'` does not deploy `lib.bicep`'s resources, but
/// `units::roots` counts every path `eval::module_paths` returns as a module call, and that
/// includes `import` statements (`bicep/modules.rs`: `StatementKind::Import`). `lib.bicep`, a
/// deployable template with an insecure server, is then neither a root nor deployed by any
/// caller: it is never judged.
#[test]
fn a_file_only_imported_from_is_still_a_root() {
    let lib = format!(
        "@export()
var tier = 'GeneralPurpose'
{}",
        server("'Disabled'")
    );
    let report = scan_files(&[
        ("main.bicep", "import { tier } from 'lib.bicep'\noutput t string = tier\n"),
        ("lib.bicep", &lib),
    ]);
    assert_eq!(verdicts(&report, "PG101"), vec![Verdict::Fail], "{:#?}", report.findings);
}

/// A module call under `if (false)` deploys nothing, so judging the module "through its
/// callers" judges it nowhere: `roots` decides from the call's text alone. The insecure
/// `mod.bicep` gets no finding at all (only `--all-roots` would show it).
#[test]
fn a_module_called_only_under_a_false_condition_is_still_judged() {
    let report = scan_files(&[
        ("main.bicep", "module m 'mod.bicep' = if (false) {\n  name: 'm'\n}\n"),
        ("mod.bicep", &server("'Disabled'")),
    ]);
    assert_eq!(verdicts(&report, "PG101"), vec![Verdict::Fail], "{:#?}", report.findings);
}

const SECURE_CALLER: &str = "module m 'mod.bicep' = {
  name: 'm'
  params: { ssl: 'Enabled' }
}
";

fn module_with_param() -> String {
    format!("param ssl string\n{}", server("ssl"))
}

/// `mod.bicepparam` with `using 'mod.bicep'` declares a deployment of `mod.bicep` with SSL
/// off. Because `main.bicep` also calls `mod.bicep` (securely), `mod.bicep` is not a root, and
/// `param_sets` is only consulted for roots: the parameter file silently applies to nothing.
#[test]
fn a_bicepparam_using_a_module_file_is_a_deployment_of_it() {
    let module = module_with_param();
    let report = scan_files(&[
        ("main.bicep", SECURE_CALLER),
        ("mod.bicep", &module),
        ("mod.bicepparam", "using 'mod.bicep'\nparam ssl = 'Disabled'\n"),
    ]);
    assert_eq!(verdicts(&report, "PG101"), vec![Verdict::Fail], "{:#?}", report.findings);
}

/// The same with an ARM parameter file found beside the module by name.
#[test]
fn an_arm_parameter_file_beside_a_module_file_is_a_deployment_of_it() {
    let module = module_with_param();
    let params = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "contentVersion": "1.0.0.0",
  "parameters": { "ssl": { "value": "Disabled" } }
}"#;
    let report = scan_files(&[("main.bicep", SECURE_CALLER), ("mod.bicep", &module), ("mod.parameters.json", params)]);
    assert_eq!(verdicts(&report, "PG101"), vec![Verdict::Fail], "{:#?}", report.findings);
}

/// `--params prod.json` names a deployment parameters file explicitly, but `units::templates_of`
/// pairs a parameter file with a template only by `metadata.template` or by a
/// `<stem>.parameters…json` name. `prod.json` pairs with nothing, no warning is given, and the
/// template is judged on its secure default: the insecure value the user asked about is never
/// applied.
#[test]
fn an_explicit_parameter_file_of_any_name_is_applied_to_the_scanned_template() {
    let dir = tempfile::tempdir().expect("tempdir");
    let main = dir.path().join("main.bicep");
    std::fs::write(&main, format!("param ssl string = 'Enabled'\n{}", server("ssl"))).expect("write");
    let params = dir.path().join("prod.json");
    std::fs::write(
        &params,
        r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "contentVersion": "1.0.0.0",
  "parameters": { "ssl": { "value": "Disabled" } }
}"#,
    )
    .expect("write");
    let units = UnitOptions { param_files: vec![params], ..UnitOptions::default() };
    let report = scan(&[main], ScanOptions { units, ..ScanOptions::default() }).expect("scan");
    let applied = verdicts(&report, "PG101") == vec![Verdict::Fail];
    let said = !report.errors.is_empty() || !report.warnings.is_empty();
    assert!(applied || said, "prod.json neither applied nor reported: {:#?}", report.findings);
}

/// `main.json` is Bicep's compilation of `main.bicep`, so it is skipped. But `main.bicep` calls
/// a registry module that is not in the local cache (opaque), while `main.json` holds that
/// module inlined as a nested deployment with SSL off. The skip hides the only place the
/// failing server is visible: the scan says "no findings".
#[test]
fn a_compiled_twin_is_not_skipped_when_it_shows_what_the_bicep_cannot() {
    let bicep = "module pg 'br:example.azurecr.io/bicep/modules/pg:v1' = {
  name: 'pg'
  params: {
    ssl: 'Disabled'
  }
}
";
    let compiled = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "metadata": { "_generator": { "name": "bicep", "version": "0.30.23.60470", "templateHash": "1" } },
  "resources": [
    {
      "type": "Microsoft.Resources/deployments",
      "apiVersion": "2022-09-01",
      "name": "pg",
      "properties": {
        "expressionEvaluationOptions": { "scope": "inner" },
        "mode": "Incremental",
        "parameters": { "ssl": { "value": "Disabled" } },
        "template": {
          "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
          "contentVersion": "1.0.0.0",
          "parameters": { "ssl": { "type": "string" } },
          "resources": [
            {
              "type": "Microsoft.DBforPostgreSQL/servers",
              "apiVersion": "2017-12-01",
              "name": "pg",
              "location": "westeurope",
              "properties": {
                "sslEnforcement": "[parameters('ssl')]",
                "publicNetworkAccess": "Disabled",
                "storageProfile": { "geoRedundantBackup": "Enabled" }
              }
            }
          ]
        }
      }
    }
  ]
}"#;
    let report = scan_files(&[("main.bicep", bicep), ("main.json", compiled)]);
    assert_eq!(verdicts(&report, "PG101"), vec![Verdict::Fail], "{:#?}", report.findings);
}

/// A parameter file whose `metadata.template` names `azuredeploy.json`, Bicep's compilation of
/// `main.bicep`: `templates_of` pairs it with `azuredeploy.json` only, which is then skipped
/// as a compiled twin, and `main.bicep` is judged on its secure default. The deployment the
/// parameter file describes (SSL off) is judged nowhere.
#[test]
fn a_parameter_file_for_a_skipped_compiled_twin_applies_to_its_bicep_source() {
    let main = format!("param ssl string = 'Enabled'\n{}", server("ssl"));
    let compiled = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "metadata": { "_generator": { "name": "bicep", "version": "0.30.23.60470", "templateHash": "1" } },
  "parameters": { "ssl": { "type": "string", "defaultValue": "Enabled" } },
  "resources": [
    {
      "type": "Microsoft.DBforPostgreSQL/servers",
      "apiVersion": "2017-12-01",
      "name": "pg",
      "location": "westeurope",
      "properties": {
        "sslEnforcement": "[parameters('ssl')]",
        "publicNetworkAccess": "Disabled",
        "storageProfile": { "geoRedundantBackup": "Enabled" }
      }
    }
  ]
}"#;
    let params = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "contentVersion": "1.0.0.0",
  "metadata": { "template": "azuredeploy.json" },
  "parameters": { "ssl": { "value": "Disabled" } }
}"#;
    let report = scan_files(&[("main.bicep", &main), ("azuredeploy.json", compiled), ("prod.parameters.json", params)]);
    assert_eq!(verdicts(&report, "PG101"), vec![Verdict::Fail], "{:#?}", report.findings);
}

// holds today
#[test]
fn a_module_whose_only_caller_does_not_parse_is_still_judged() {
    let (_dir, report) = scan_with(
        &[
            ("main.bicep", "module m 'mod.bicep' = {\n  name: 'm'\n}\nvar x = (\n"),
            ("mod.bicep", &server("'Disabled'")),
        ],
        UnitOptions::default(),
    );
    assert!(!report.errors.is_empty());
    assert_eq!(verdicts(&report, "PG101"), vec![Verdict::Fail], "{:#?}", report.findings);
}

// holds today
#[test]
fn a_module_called_securely_passes_and_all_roots_judges_its_own_inputs() {
    let module = module_with_param();
    let files = [("main.bicep", SECURE_CALLER), ("mod.bicep", module.as_str())];
    let report = scan_files(&files);
    assert!(of(&report, "PG101").is_empty(), "{:#?}", report.findings);
    let (_dir, report) = scan_with(&files, UnitOptions { all_roots: true, ..UnitOptions::default() });
    assert_eq!(verdicts(&report, "PG101"), vec![Verdict::Unknown], "{:#?}", report.findings);
}

// ---------------------------------------------------------------------------------------------
// Functions computing known values
// ---------------------------------------------------------------------------------------------

/// ARM compares strings with `less`/`greater` (and Bicep with `<`, `>`) the way .NET's culture
/// comparison does, not by code point: the documented examples give `greater('A', 'a')` true
/// and `less('A', 'a')` false (template-functions-comparison, "greater", "less"). `ops::arithmetic`
/// orders strings with `str::cmp` (ordinal: 'A' < 'a'), so both results come out inverted as
/// known values: here SSL is judged on while Azure deploys it off.
#[test]
fn string_ordering_follows_arm_not_code_points() {
    let report = scan_files(&[("main.bicep", &server("'A' > 'a' ? 'Disabled' : 'Enabled'"))]);
    assert_eq!(verdicts(&report, "PG101"), vec![Verdict::Fail], "{:#?}", report.findings);
    let template = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {
      "type": "Microsoft.DBforPostgreSQL/servers",
      "apiVersion": "2017-12-01",
      "name": "pg",
      "location": "westeurope",
      "properties": {
        "sslEnforcement": "[if(less('A', 'a'), 'Enabled', 'Disabled')]",
        "publicNetworkAccess": "Disabled",
        "storageProfile": { "geoRedundantBackup": "Enabled" }
      }
    }
  ]
}"#;
    let report = scan_files(&[("main.json", template)]);
    assert_eq!(verdicts(&report, "PG101"), vec![Verdict::Fail], "{:#?}", report.findings);
}

// holds today
#[test]
fn standard_functions_compute_the_values_azure_does() {
    let checks = [
        "cidrSubnet('10.144.0.0/20', 24, 3) == '10.144.3.0/24'",
        "cidrSubnet('10.0.0.0/8', 16, 255) == '10.255.0.0/16'",
        "cidrHost('10.144.3.0/24', 0) == '10.144.3.1'",
        "cidrHost('192.168.1.0/30', 1) == '192.168.1.2'",
        "base64('héllo') == 'aMOpbGxv'",
        "base64ToString('aMOpbGxv') == 'héllo'",
        "string({ a: 1, b: [true, null] }) == '{\"a\":1,\"b\":[true,null]}'",
        "string([1, 'a']) == '[1,\"a\"]'",
        "string(true) == 'True'",
        "json('{\"a\": [1, 2], \"b\": null}') == { a: [1, 2], b: null }",
        "union({ a: { x: 1, y: 2 } }, { a: { y: 3 } }) == { a: { x: 1, y: 3 } }",
        "union([1, 2, 2], [3, 1]) == [1, 2, 3]",
        "shallowMerge([{ a: { x: 1 } }, { a: { y: 2 } }]) == { a: { y: 2 } }",
        "padLeft('7', 3, '0') == '007'",
        "split('a,b;c', [',', ';']) == ['a', 'b', 'c']",
        "uriComponent('a b/c') == 'a%20b%2Fc'",
        "uri('https://a.com/x/', 'y') == 'https://a.com/x/y'",
        "dataUri('hi') == 'data:text/plain;charset=utf8;base64,aGk='",
        "7 / -2 == -3",
        "-7 % 2 == -1",
        "reduce([1, 2, 3], 10, (acc, x) => acc + x) == 16",
        "filter([1, 2, 3], (x, i) => i > 0) == [2, 3]",
        "mapValues({ a: 1 }, v => v + 1) == { a: 2 }",
        "groupBy(['ab', 'ac', 'b'], s => substring(s, 0, 1)) == { a: ['ab', 'ac'], b: ['b'] }",
        "flatten([[1, [2]], [3]]) == [1, [2], 3]",
        "base64(string({ a: 'b' })) == 'eyJhIjoiYiJ9'",
    ];
    for check in checks {
        let report = scan_files(&[("main.bicep", &server(&format!("({check}) ? 'Enabled' : 'Disabled'")))]);
        assert!(of(&report, "PG101").is_empty(), "{check}: {:#?}", report.findings);
    }
}
