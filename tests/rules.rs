//! Rule fixtures and the meta-tests that keep the rule set in order. Each fixture under
//! `testdata/rules/<ID>/` is scanned with only its rule: `fail*` must give at least one failing
//! finding, `pass*` none at all (no fail, no unknown) and no error.

use pgguard::rules::date::Date;
use pgguard::rules::{self, Rule, Verdict};
use pgguard::scan::{ScanOptions, scan};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Fixtures are judged on a fixed date, so that PG603's end-of-life table gives the same
/// verdicts next year.
fn today() -> Date {
    Date::parse("2026-12-03").expect("a date")
}

fn builtin() -> Vec<Rule> {
    rules::builtin().expect("built-in rules load")
}

fn fixtures(id: &str) -> Vec<PathBuf> {
    let dir = root().join("testdata/rules").join(id);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("readable entry").path())
        .collect();
    out.sort();
    out
}

fn name_of(path: &Path) -> String {
    path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string()
}

#[test]
fn fixtures_fail_and_pass_as_named() {
    let mut problems = Vec::new();
    for rule in builtin() {
        for fixture in fixtures(&rule.id) {
            let name = name_of(&fixture);
            let report = scan(
                std::slice::from_ref(&fixture),
                ScanOptions { rules: vec![rule.clone()], threads: 1, today: Some(today()), ..ScanOptions::default() },
            )
            .unwrap_or_else(|e| panic!("{}: {e}", fixture.display()));
            let shown = |report: &pgguard::scan::ScanReport| {
                let mut s: Vec<String> =
                    report.findings.iter().map(|f| format!("{} {}", f.verdict.as_str(), f.message)).collect();
                s.extend(report.errors.iter().map(|e| format!("error {}: {}", e.path, e.message)));
                s.join("; ")
            };
            if !report.errors.is_empty() {
                problems.push(format!("{}/{name}: errors: {}", rule.id, shown(&report)));
            } else if name.starts_with("fail") {
                if !report.findings.iter().any(|f| f.verdict == Verdict::Fail) {
                    problems.push(format!("{}/{name}: expected a failing finding, got: [{}]", rule.id, shown(&report)));
                }
            } else if name.starts_with("pass") {
                if !report.findings.is_empty() {
                    problems.push(format!("{}/{name}: expected no finding, got: [{}]", rule.id, shown(&report)));
                } else if report.judged.first().copied().unwrap_or(0) == 0 && !rule.fails_every_subject() {
                    // A pass must come from judging something, not from matching nothing; a rule
                    // that fails every subject (PG604) is passed only by deploying none, and its
                    // failing fixtures show that its types match.
                    problems.push(format!("{}/{name}: the rule judged no resource (a misspelt type?)", rule.id));
                }
            } else {
                problems.push(format!("{}/{name}: a fixture's name starts with `fail` or `pass`", rule.id));
            }
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

/// A fixture's language: a file's extension, or for a folder the extension of its files.
fn languages(path: &Path) -> Vec<&'static str> {
    let ext = |p: &Path| match p.extension().and_then(|e| e.to_str()) {
        Some("bicep") | Some("bicepparam") => Some("bicep"),
        Some("json") => Some("json"),
        _ => None,
    };
    if path.is_dir() {
        std::fs::read_dir(path).into_iter().flatten().flatten().filter_map(|e| ext(&e.path())).collect()
    } else {
        ext(path).into_iter().collect()
    }
}

#[test]
fn every_rule_has_failing_and_passing_fixtures_in_both_languages() {
    for rule in builtin() {
        let all = fixtures(&rule.id);
        for kind in ["fail", "pass"] {
            for language in ["bicep", "json"] {
                assert!(
                    all.iter().any(|f| name_of(f).starts_with(kind) && languages(f).contains(&language)),
                    "{}: no `{kind}` fixture in {language}",
                    rule.id
                );
            }
        }
    }
}

#[test]
fn every_fixture_folder_has_a_rule() {
    let ids: Vec<String> = builtin().into_iter().map(|r| r.id).collect();
    for entry in std::fs::read_dir(root().join("testdata/rules")).expect("testdata/rules") {
        let name = name_of(&entry.expect("entry").path());
        assert!(ids.contains(&name), "testdata/rules/{name} has no rule");
    }
}

#[test]
fn rule_files_are_embedded_and_named_by_id_and_slug() {
    let mut on_disk: Vec<String> =
        std::fs::read_dir(root().join("rules")).expect("rules/").map(|e| name_of(&e.expect("entry").path())).collect();
    on_disk.sort();
    let embedded: Vec<String> = rules::BUILTIN.iter().map(|(name, _)| name.to_string()).collect();
    assert_eq!(on_disk, embedded, "rules/ and rules::BUILTIN differ");
    let rules = builtin();
    for rule in &rules {
        assert_eq!(rule.source, format!("rules/{}-{}.toml", rule.id, rule.slug));
    }
    let ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(ids, sorted, "rule ids are unique and sorted");
}

#[test]
fn rule_docs_are_current() {
    let bless = std::env::var_os("PGGUARD_BLESS").is_some();
    let dir = root().join("docs/rules");
    let mut stale = Vec::new();
    for rule in builtin() {
        let path = dir.join(format!("{}.md", rule.id));
        let expected = rules::docs::render(&rule);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(expected.as_str()) {
            if bless {
                std::fs::create_dir_all(&dir).expect("docs/rules");
                std::fs::write(&path, expected).expect("write docs");
            } else {
                stale.push(path.display().to_string());
            }
        }
    }
    assert!(stale.is_empty(), "stale docs (regenerate with PGGUARD_BLESS=1 cargo test --test rules): {stale:?}");
}

#[test]
fn user_rule_errors_name_file_line_and_field() {
    let text = "id = \"X1\"\nslug = \"x\"\ntitle = \"t\"\nseverity = \"high\"\n\n[[check]]\nresource-type = \"T\"\nexpect = { property = \"properties.a\", equals = \"b\" }\n\n[docs]\nwhat = \"\"\nwhy = \"\"\nfix = \"\"\nexample-fail = \"\"\nexample-pass = \"\"\n";
    let err = rules::parse("mine.toml", text).expect_err("missing `missing` is an error");
    assert_eq!(err.line, 8);
    assert!(err.to_string().starts_with("mine.toml:8: `check.expect`"), "{err}");
    assert!(err.message.contains("missing"), "{err}");

    let err = rules::parse("mine.toml", &text.replace("severity = \"high\"", "severity = \"severe\""))
        .expect_err("bad severity");
    assert_eq!(err.line, 4, "{err}");
    assert!(err.message.contains("severe"), "{err}");
}

/// The `example-fail` and `example-pass` snippets of every rule's docs are tests too: exactly
/// one failing finding of the rule, and none at all (after judging a resource).
#[test]
fn doc_examples_fail_once_and_pass() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut problems = Vec::new();
    for rule in builtin() {
        for (kind, text) in [("fail", &rule.docs.example_fail), ("pass", &rule.docs.example_pass)] {
            let path = dir.path().join(format!("{}-{kind}.bicep", rule.id));
            // The snippets leave `location` and the like to the reader: declare what they use.
            let text = format!("param location string = 'westeurope'\nparam subnetId string = 'subnet'\n{text}\n");
            std::fs::write(&path, text).expect("write example");
            let report = scan(
                std::slice::from_ref(&path),
                ScanOptions { rules: vec![rule.clone()], threads: 1, today: Some(today()), ..ScanOptions::default() },
            )
            .expect("scan");
            let failing = report.findings.iter().filter(|f| f.verdict == Verdict::Fail).count();
            let shown: Vec<String> = report
                .findings
                .iter()
                .map(|f| format!("{} {}", f.verdict.as_str(), f.message))
                .chain(report.errors.iter().map(|e| format!("error {}", e.message)))
                .collect();
            let ok = match kind {
                "fail" => failing == 1 && report.findings.len() == 1 && report.errors.is_empty(),
                _ => {
                    report.findings.is_empty()
                        && report.errors.is_empty()
                        && (report.judged[0] > 0 || rule.fails_every_subject())
                }
            };
            if !ok {
                problems.push(format!("{} example-{kind}: {:?}", rule.id, shown));
            }
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

/// Each word of the rule language is documented in docs/rules-format.md and used by at least
/// one built-in rule.
#[test]
fn every_rule_word_is_documented_and_used() {
    let format = std::fs::read_to_string(root().join("docs/rules-format.md")).expect("docs/rules-format.md");
    let texts: Vec<&str> = rules::BUILTIN.iter().map(|(_, text)| *text).collect();
    let words = [
        "property",
        "parameter",
        "child",
        "quantifier",
        "referenced-by",
        "scoped-by",
        "api-version",
        "predicate",
        "constant",
        "any",
        "all",
        "not",
        "when",
        "resource-types",
        "subject",
        "equals",
        "not-equals",
        "one-of",
        "contains",
        "non-empty",
        "at-least",
        "version-below",
        "list-contains",
        "supported-until",
        "secure-input",
        "no-secret",
        "read-only-in",
        "option",
    ];
    for word in words {
        assert!(format.contains(&format!("`{word}")), "docs/rules-format.md does not document `{word}`");
        let used = texts.iter().any(|t| {
            t.contains(&format!("{word} =")) || t.contains(&format!("{word}=")) || t.contains(&format!("[{word}."))
        });
        assert!(used, "no built-in rule uses `{word}`");
    }
}

/// `api-version` holds for the listed API versions (without regard to case), fails for others,
/// and is unknown when an ARM template writes the version as an expression it cannot compute; an empty list is
/// an error.
#[test]
fn api_version_condition_picks_versions_and_is_unknown_for_expressions() {
    let rule_text = r#"id = "X2"
slug = "x"
title = "t"
severity = "low"

[[check]]
resource-type = "Microsoft.DBforPostgreSQL/flexibleServers"
when = { api-version = ["2022-03-08-PREVIEW"] }
expect = { property = "properties.authConfig.passwordAuthEnabled", equals = false, missing = "fail" }

[docs]
what = ""
why = ""
fix = ""
example-fail = ""
example-pass = ""
"#;
    let rule = rules::parse("mine.toml", rule_text).expect("rule parses");
    let arm = |api: &str| {
        format!(
            r#"{{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {{ "api": {{ "type": "string" }} }},
  "variables": {{ "v": "2022-03-08-preview" }},
  "resources": [
    {{
      "type": "Microsoft.DBforPostgreSQL/flexibleServers",
      "apiVersion": "{api}",
      "name": "pg",
      "location": "westeurope",
      "properties": {{ "authConfig": {{ "passwordAuthEnabled": true }} }}
    }}
  ]
}}"#
        )
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let verdicts = |api: &str| {
        let path = dir.path().join("main.json");
        std::fs::write(&path, arm(api)).expect("write template");
        let report = scan(
            std::slice::from_ref(&path),
            ScanOptions { rules: vec![rule.clone()], threads: 1, today: Some(today()), ..ScanOptions::default() },
        )
        .expect("scan");
        (report.findings.iter().map(|f| f.verdict).collect::<Vec<_>>(), report.judged[0])
    };
    assert_eq!(verdicts("2022-03-08-preview"), (vec![Verdict::Fail], 1));
    assert_eq!(verdicts("2024-08-01"), (vec![], 0), "the check does not apply to other versions");
    // An expression is computed; one that cannot be (a parameter without a value) is unknown.
    assert_eq!(verdicts("[variables('v')]"), (vec![Verdict::Fail], 1));
    assert_eq!(verdicts("[parameters('api')]"), (vec![Verdict::Unknown], 1));

    let err = rules::parse("mine.toml", &rule_text.replace(r#"["2022-03-08-PREVIEW"]"#, "[]"))
        .expect_err("an empty list is an error");
    assert!(err.message.contains("api-version"), "{err}");
}
