//! Hostile review of issue 15 ("Fast and unbreakable"): inputs for which a bound or a shortcut
//! of the scan gave a false pass. Most are the relevance filter (`scan/relevance.rs`), which
//! skips evaluating a deployment whose text does not name a judged namespace, an output or a
//! secret: text that the parsers decode (a JSON `\u` escape, a Bicep `\u{…}` escape, a
//! single-quoted or unquoted JSON key, a tab or a comment after `output`) hid the mark, so a
//! deployment that fails a rule when evaluated was never evaluated.

mod common;

use common::{all, scan_files, verdicts};
use pgguard::rules::Verdict;

const SCHEMA: &str = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";

/// An ARM template whose only resource is a flexible server of type `ty` (as written in the
/// JSON text) with `publicNetworkAccess` `Enabled`.
fn arm_server(ty: &str) -> String {
    format!(
        r#"{{"$schema": "{SCHEMA}", "contentVersion": "1.0.0.0",
"resources": [{{"type": "{ty}", "apiVersion": "2024-08-01", "name": "pg", "location": "westeurope",
 "properties": {{"version": "16", "network": {{"publicNetworkAccess": "Enabled"}}}}}}]}}
"#
    )
}

#[test]
fn a_json_unicode_escape_in_the_type_does_not_hide_a_server() {
    // Was a false pass of every rule: the ARM reader decodes `\u0050` to `P`, and the server
    // fails PG201 when evaluated, but the text holds no `microsoft.dbforpostgresql`, so the
    // template was only parsed.
    let (_dir, report) = scan_files(&[("main.json", &arm_server(r"Microsoft.DBfor\u0050ostgreSQL/flexibleServers"))]);
    assert_eq!(verdicts(&report, "PG201"), vec![Verdict::Fail], "{:#?}", all(&report));
}

#[test]
fn a_bicep_unicode_escape_in_the_type_does_not_hide_a_server() {
    // Same in Bicep: `\u{50}` is `P` in a Bicep string, the resource type included.
    let main = r"resource pg 'Microsoft.DBfor\u{50}ostgreSQL/flexibleServers@2024-08-01' = {
  name: 'pg'
  location: 'westeurope'
  properties: {
    version: '16'
    network: { publicNetworkAccess: 'Enabled' }
  }
}
";
    let (_dir, report) = scan_files(&[("main.bicep", main)]);
    assert_eq!(verdicts(&report, "PG201"), vec![Verdict::Fail], "{:#?}", all(&report));
}

#[test]
fn an_escaped_template_link_does_not_hide_the_linked_server() {
    // Was a false pass: `"template\u004cink"` is `templateLink` once decoded, and the caller
    // passes `Enabled` to the linked template; the caller's text holds neither the namespace
    // nor `templatelink`, so it was not evaluated, and the linked template, judged on its own
    // with its default (`Disabled`), passed.
    let caller = format!(
        r#"{{"$schema": "{SCHEMA}", "contentVersion": "1.0.0.0",
"resources": [{{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "pg",
 "properties": {{"mode": "Incremental", "template\u004cink": {{"relativePath": "nested/pg.json"}},
  "parameters": {{"access": {{"value": "Enabled"}}}}}}}}]}}
"#
    );
    let linked = format!(
        r#"{{"$schema": "{SCHEMA}", "contentVersion": "1.0.0.0",
"parameters": {{"access": {{"type": "string", "defaultValue": "Disabled"}}}},
"resources": [{{"type": "Microsoft.DBforPostgreSQL/flexibleServers", "apiVersion": "2024-08-01", "name": "pg",
 "location": "westeurope", "properties": {{"network": {{"publicNetworkAccess": "[parameters('access')]"}}}}}}]}}
"#
    );
    let (_dir, report) = scan_files(&[("main.json", &caller), ("nested/pg.json", &linked)]);
    assert_eq!(verdicts(&report, "PG201"), vec![Verdict::Fail], "{:#?}", all(&report));
}

#[test]
fn an_output_the_relevance_marks_missed_is_judged() {
    // Was a false pass of PG702: a template without PostgreSQL is evaluated only when its text
    // holds an output (`output ` in Bicep, `"outputs"` in JSON) and a secret (`secure`…). The
    // parsers also accept `output` followed by a tab or a comment, an ARM `outputs` key in
    // single quotes or unquoted, and a `\u` escape in `securestring`; each output below
    // carries a secure parameter and fails when evaluated.
    let arm = |parameter_type: &str, outputs_key: &str| {
        format!(
            r#"{{"$schema": "{SCHEMA}", "contentVersion": "1.0.0.0",
"parameters": {{"pw": {{"type": "{parameter_type}"}}}},
"resources": [],
{outputs_key}: {{"o": {{"type": "string", "value": "[parameters('pw')]"}}}}}}
"#
        )
    };
    let (_dir, report) = scan_files(&[
        ("tab.bicep", "@secure()\nparam pw string\noutput\tkey string = pw\n"),
        ("comment.bicep", "@secure()\nparam pw string\noutput/* c */key string = pw\n"),
        ("single.json", &arm("securestring", "'outputs'")),
        ("loose.json", &arm("securestring", "outputs")),
        ("escaped.json", &arm(r"\u0073ecurestring", "\"outputs\"")),
    ]);
    let mut failed: Vec<&str> = common::findings(&report, "PG702")
        .iter()
        .filter(|f| f.verdict == Verdict::Fail)
        .map(|f| report.file(f.location).display.rsplit('/').next().unwrap_or_default())
        .collect();
    failed.sort_unstable();
    assert_eq!(
        failed,
        vec!["comment.bicep", "escaped.json", "loose.json", "single.json", "tab.bicep"],
        "{:#?}",
        all(&report)
    );
}

#[test]
fn a_carriage_return_alone_ends_a_line() {
    // Bicep (its lexer, and pgguard's) ends a line at a lone CR, as SARIF counts lines, but
    // the line index counted only LF: every finding of a CR-only file was on line 1 (PG201
    // at 1:237), and a suppression comment anywhere in it was "on the same line" as every
    // finding, so the unrelated comment at the end suppressed PG201: a false pass.
    let main = "resource pg 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {\r  name: 'pg'\r  location: 'westeurope'\r  properties: {\r    version: '16'\r    network: { publicNetworkAccess: 'Enabled' }\r  }\r}\r// pgguard-ignore PG201: about something else\r";
    let (_dir, report) = scan_files(&[("main.bicep", main)]);
    assert_eq!(verdicts(&report, "PG201"), vec![Verdict::Fail], "{:#?}", all(&report));
    let at = |rule: &str| {
        common::findings(&report, rule)
            .iter()
            .map(|f| {
                let pos = report.file(f.location).line_col(f.location.span.start);
                (pos.line, pos.column)
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(at("PG201"), vec![(6, 37)]);
    assert_eq!(at("PG001"), vec![(9, 1)], "the comment suppresses nothing");
}
