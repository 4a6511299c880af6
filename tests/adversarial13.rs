//! Hostile review of issue 13 ("Every PostgreSQL control"): templates the rule catalogue judged
//! wrongly, each a false pass (or a false fail) of one rule.

mod common;

use common::{all, findings, scan_files, verdicts};
use pgguard::rules::Verdict;

/// The line of each finding of `rule`, sorted.
fn lines(report: &pgguard::scan::ScanReport, rule: &str) -> Vec<u32> {
    let mut out: Vec<u32> =
        findings(report, rule).iter().map(|f| report.file(f.location).line_col(f.location.span.start).line).collect();
    out.sort_unstable();
    out
}

#[test]
fn an_output_that_picks_a_secret_out_of_an_array_or_object_exposes_it() {
    // Was a false pass of PG702: a function over an array or object (`first`, `join`,
    // `string`, `min`, `reduce`) gave a plain value without the secure step its elements had,
    // and Bicep's `any()` was not evaluated at all.
    let (_dir, report) = scan_files(&[(
        "main.bicep",
        "@secure()
param pw string
var conn = { p: pw }
output a string = string(conn)
output b string = first([pw])
output c string = join([pw, 'x'], ',')
output d string = last([pw])
output e string = reduce([pw], '', (c, n) => '${c}${n}')
output f string = min([pw])
output g string = any(pw)
output h string = toLower(string({ a: pw }))
output ok string = uniqueString(pw)
output ok2 int = length([pw])
",
    )]);
    assert_eq!(lines(&report, "PG702"), vec![4, 5, 6, 7, 8, 9, 10, 11], "{:#?}", all(&report));
    assert!(verdicts(&report, "PG702").iter().all(|v| *v == Verdict::Fail), "{:#?}", all(&report));
}

#[test]
fn an_arm_output_that_picks_a_secret_out_of_an_array_or_object_exposes_it() {
    let (_dir, report) = scan_files(&[(
        "main.json",
        r#"{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#","contentVersion":"1.0.0.0",
"parameters":{"pw":{"type":"securestring"}},
"variables":{"c":{"p":"[parameters('pw')]"}},
"resources":[],
"outputs":{
 "a":{"type":"string","value":"[first(createArray(parameters('pw')))]"},
 "b":{"type":"string","value":"[string(variables('c'))]"},
 "c":{"type":"string","value":"[join(createArray(parameters('pw'),'x'), ',')]"}
}}
"#,
    )]);
    assert_eq!(verdicts(&report, "PG702"), vec![Verdict::Fail; 3], "{:#?}", all(&report));
}

#[test]
fn a_secure_password_picked_out_of_an_array_is_still_secure_and_any_of_a_literal_is_a_literal() {
    // `first([spw])` was a fail saying "parameter `spw` is not `@secure()`" (it is);
    // `any('...')` was unknown ("`any()` is not evaluated statically").
    let (_dir, report) = scan_files(&[(
        "main.bicep",
        "@secure()
param spw string
var v = 'Lit3ral-Pass'
resource s1 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'a1'
  location: 'x'
  properties: { administratorLoginPassword: first([spw]) }
}
resource s2 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'a2'
  location: 'x'
  properties: { administratorLoginPassword: any(v) }
}
",
    )]);
    assert_eq!(lines(&report, "PG701"), vec![12], "{:#?}", all(&report));
    assert_eq!(verdicts(&report, "PG701"), vec![Verdict::Fail], "{:#?}", all(&report));
    let message = &findings(&report, "PG701")[0].message;
    assert!(!message.contains("Lit3ral"), "{message}");
}

const ARM_API: &str = r#"{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#","contentVersion":"1.0.0.0",
"parameters":{"api":{"type":"string"}},
"variables":{"api":"2022-12-01"},
"resources":[
{"type":"Microsoft.DBforPostgreSQL/flexibleServers","apiVersion":"API","name":"pg","location":"x","properties":{"network":{"publicNetworkAccess":"Disabled"}}}
]}
"#;

#[test]
fn an_arm_api_version_from_a_variable_is_the_version_it_names() {
    // Was a false pass of PG201: `[variables('api')]` is 2022-12-01, where
    // `network.publicNetworkAccess` is read-only, but an API version written as an expression
    // was compared as text and matched none of `read-only-in`.
    let (_dir, report) = scan_files(&[("main.json", &ARM_API.replace("API", "[variables('api')]"))]);
    assert_eq!(verdicts(&report, "PG201"), vec![Verdict::Fail], "{:#?}", all(&report));
}

#[test]
fn an_arm_api_version_that_cannot_be_resolved_may_make_a_property_read_only() {
    // Was a false pass of PG201: a parameter without a value may be 2022-12-01.
    let (_dir, report) = scan_files(&[("main.json", &ARM_API.replace("API", "[parameters('api')]"))]);
    assert_eq!(verdicts(&report, "PG201"), vec![Verdict::Unknown], "{:#?}", all(&report));
    // What no API version can make pass still fails.
    let enabled = ARM_API.replace("API", "[parameters('api')]").replace("\"Disabled\"", "\"Enabled\"");
    let (_dir, report) = scan_files(&[("main.json", &enabled)]);
    assert_eq!(verdicts(&report, "PG201"), vec![Verdict::Fail], "{:#?}", all(&report));
}

fn pgaudit(log: &str) -> String {
    format!(
        "resource s 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {{
  name: 'pg'
  location: 'x'
  properties: {{ version: '16' }}
  resource a 'configurations' = {{
    name: 'shared_preload_libraries'
    properties: {{ value: 'pg_stat_statements, PGAUDIT ' }}
  }}
  resource b 'configurations' = {{
    name: 'pgaudit.log'
    properties: {{ value: '{log}' }}
  }}
}}
"
    )
}

#[test]
fn a_pgaudit_log_that_names_no_class_logs_nothing() {
    // Were false passes of PG506: pgAudit reads `pgaudit.log` as a list without regard to
    // spaces, so ' none ' is `none`, '   ' names no class, and '-all' only removes classes.
    for log in [" none ", "none ", "   ", "-all", "NONE"] {
        let (_dir, report) = scan_files(&[("main.bicep", &pgaudit(log))]);
        assert_eq!(verdicts(&report, "PG506"), vec![Verdict::Fail], "{log:?}: {:#?}", all(&report));
    }
    for log in ["DDL, role", "none,ddl", "all", "misc_set"] {
        let (_dir, report) = scan_files(&[("main.bicep", &pgaudit(log))]);
        assert!(verdicts(&report, "PG506").is_empty(), "{log:?}: {:#?}", all(&report));
    }
}

#[test]
fn a_value_of_spaces_only_is_not_set() {
    // Was a false pass of PG502 (and of every `non-empty` test): '  ' counted as a value.
    let (_dir, report) = scan_files(&[(
        "main.bicep",
        "resource s 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'pg'
  location: 'x'
  properties: { version: '18' }
  resource a 'configurations' = {
    name: 'log_connections'
    properties: { value: '  ' }
  }
}
",
    )]);
    assert_eq!(verdicts(&report, "PG502"), vec![Verdict::Fail], "{:#?}", all(&report));
}

#[test]
fn a_password_in_a_variable_object_is_masked_in_the_excerpt_of_its_trace() {
    // Was a leak of PG701 in the human report: the trace step `variable creds` spans the
    // object, and only a literal the step's span starts with was masked, so the excerpt
    // printed `password: 'Var-Secret-Obj'`.
    let main = "var creds = {
  login: 'pgadmin'
  password: 'Var-Secret-Obj'
}
resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'pg'
  location: 'westeurope'
  properties: {
    version: '17'
    administratorLogin: creds.login
    administratorLoginPassword: creds.password
  }
}
";
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("main.bicep"), main).expect("write");
    let select = Some(vec!["PG701".to_string()]);
    let options = pgguard::scan::ScanOptions { select, ..pgguard::scan::ScanOptions::default() };
    let report = pgguard::scan::scan(&[dir.path().to_path_buf()], options).expect("scan");
    assert_eq!(verdicts(&report, "PG701"), vec![Verdict::Fail], "{:#?}", all(&report));
    use pgguard::report::{Format, RenderOptions, render};
    let options = RenderOptions { color: false, width: 100, quiet: false, ..RenderOptions::default() };
    for format in [Format::Human, Format::Concise, Format::Json, Format::Sarif] {
        let text = render(&report, format, &options);
        assert!(!text.contains("Var-Secret-Obj"), "{format:?} shows the password:\n{text}");
    }
}
