//! The reporters on a hand-built scan: snapshots of all three formats, the SARIF log against the
//! official schema, fingerprints that survive lines inserted above, and the documented JSON keys.

mod common;

use pgguard::model::TraceStep;
use pgguard::report::{Format, RenderOptions, render};
use pgguard::rules::{Docs, Finding, References, Rule, Severity, Verdict};
use pgguard::scan::{ScanError, ScanReport};
use pgguard::source::{FileId, Origin, SourceFile};
use pgguard::span::Span;
use serde_json::Value;
use std::path::PathBuf;

const MAIN: &str = "\
param publicAccess string = 'Enabled'

module pg 'modules/pg.bicep' = {
  name: 'pg'
  params: {
    publicAccess: publicAccess
  }
}

resource fw 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2022-12-01' = {
  name: 'pg-prod/allow-all'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '255.255.255.255'
  }
}
";

// The comment before `geoRedundantBackup` has non-ASCII letters: columns count code points.
const PG: &str = "\
param publicAccess string
param retention int

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2022-12-01' = {
  name: 'pg-prod'
  location: 'westeurope'
  properties: {
    network: {
      publicNetworkAccess: publicAccess
    }
    backup: { /* sauvegardé géo */ geoRedundantBackup: 'Disabled', backupRetentionDays: retention }
  }
}
";

const BROKEN: &str = "\
resource broken 'Microsoft.DBforPostgreSQL/flexibleServers@2022-12-01' = {
  name: 'oops'
";

const MODULE_CONTEXT: &str = "main.bicep › module pg (modules/pg.bicep)";

/// Byte span of the `nth` (0-based) occurrence of `needle` in `text`.
fn find(text: &str, needle: &str, nth: usize) -> Span {
    let (start, _) = text.match_indices(needle).nth(nth).unwrap_or_else(|| panic!("`{needle}` not in text"));
    Span::new(start as u32, (start + needle.len()) as u32)
}

fn rule(id: &str, slug: &str, title: &str, severity: Severity, policy: &[&str]) -> Rule {
    Rule {
        id: id.to_string(),
        slug: slug.to_string(),
        title: title.to_string(),
        severity,
        tags: vec!["postgresql".to_string()],
        checks: Vec::new(),
        options: Vec::new(),
        docs: Docs {
            what: format!("Flags templates that break the {slug} control."),
            why: "An attacker on the internet can reach the server.".to_string(),
            fix: format!("{title}: set the property in the template."),
            example_fail: "resource pg '...' = {\n  properties: {}\n}\n".to_string(),
            example_pass: "resource pg '...' = {\n  properties: { ok: true }\n}\n".to_string(),
        },
        references: References {
            azure_policy: policy.iter().map(|p| p.to_string()).collect(),
            cis: vec!["v2.0 4.3.1".to_string()],
            docs: vec!["https://learn.microsoft.com/azure/postgresql/".to_string()],
            peers: vec!["CKV_AZURE_68".to_string()],
        },
        source: format!("rules/{id}-{slug}.toml"),
        help_url: Some(format!("https://example.com/pgguard/docs/rules/{id}.md")),
    }
}

/// The scan of MAIN, PG and BROKEN, each preceded by `prefix` (extra lines for the fingerprint
/// test); spans are found in the final texts, so they move with the prefix.
fn scan(prefix: &str) -> ScanReport {
    let main = format!("{prefix}{MAIN}");
    let pg = format!("{prefix}{PG}");
    let broken = format!("{prefix}{BROKEN}");
    let (m, p, b) = (FileId(0), FileId(1), FileId(2));
    let at = |file: FileId, text: &str, needle: &str, nth: usize| Origin::new(file, find(text, needle, nth));
    let firewall = {
        let start = find(&main, "startIpAddress", 0).start;
        let end = find(&main, "'255.255.255.255'", 0).end;
        Origin::new(m, Span::new(start, end))
    };
    let findings = vec![
        Finding {
            rule: 1,
            verdict: Verdict::Fail,
            message: "the firewall rule admits every address from `0.0.0.0` to `255.255.255.255`".to_string(),
            location: firewall,
            trace: Vec::new(),
            resource_type: "Microsoft.DBforPostgreSQL/flexibleServers/firewallRules".to_string(),
            resource_name: "pg-prod/allow-all".to_string(),
            contexts: vec!["main.bicep".to_string()],
        },
        Finding {
            rule: 2,
            verdict: Verdict::Fail,
            message: "`properties.network.publicNetworkAccess` is `Enabled`".to_string(),
            location: at(p, &pg, "publicAccess", 1),
            trace: vec![
                TraceStep {
                    origin: at(p, &pg, "param publicAccess string", 0),
                    kind: pgguard::model::TraceKind::Note("parameter `publicAccess`".to_string()),
                },
                TraceStep {
                    origin: at(m, &main, "publicAccess: publicAccess", 0),
                    kind: pgguard::model::TraceKind::Note("module `pg` passes it".to_string()),
                },
                TraceStep {
                    origin: at(m, &main, "'Enabled'", 0),
                    kind: pgguard::model::TraceKind::Note("parameter `publicAccess` defaults to this".to_string()),
                },
            ],
            resource_type: "Microsoft.DBforPostgreSQL/flexibleServers".to_string(),
            resource_name: "pg-prod".to_string(),
            contexts: vec![MODULE_CONTEXT.to_string()],
        },
        Finding {
            rule: 3,
            verdict: Verdict::Fail,
            message: "`properties.backup.geoRedundantBackup` is `Disabled`".to_string(),
            location: at(p, &pg, "'Disabled'", 0),
            trace: Vec::new(),
            resource_type: "Microsoft.DBforPostgreSQL/flexibleServers".to_string(),
            resource_name: "pg-prod".to_string(),
            contexts: vec![
                MODULE_CONTEXT.to_string(),
                "prod.bicepparam › main.bicep › module pg (modules/pg.bicep)".to_string(),
            ],
        },
        Finding {
            rule: 4,
            verdict: Verdict::Unknown,
            message: "`properties.backup.backupRetentionDays` comes from parameter `retention`, which has no value"
                .to_string(),
            location: at(p, &pg, "retention", 1),
            trace: vec![TraceStep {
                origin: at(p, &pg, "param retention int", 0),
                kind: pgguard::model::TraceKind::Note("parameter `retention`".to_string()),
            }],
            resource_type: "Microsoft.DBforPostgreSQL/flexibleServers".to_string(),
            resource_name: "pg-prod".to_string(),
            contexts: vec![MODULE_CONTEXT.to_string()],
        },
    ];
    let broken_end = broken.len() as u32;
    ScanReport::new(
        vec![
            SourceFile::new(PathBuf::from("main.bicep"), "main.bicep".to_string(), main),
            SourceFile::new(PathBuf::from("modules/pg.bicep"), "modules/pg.bicep".to_string(), pg),
            SourceFile::new(PathBuf::from("broken file.bicep"), "broken file.bicep".to_string(), broken),
        ],
        vec![
            rule(
                "PG103",
                "flex-require-secure-transport",
                "Require secure transport",
                Severity::High,
                &["c29c38cb-74a7-4505-9a06-e588ab86620a"],
            ),
            rule(
                "PG203",
                "firewall-open-to-internet",
                "Do not open the firewall to the internet",
                Severity::Critical,
                &[],
            ),
            rule(
                "PG201",
                "public-network-access",
                "Disable public network access",
                Severity::High,
                &["5e1de0e3-42cb-4ebc-a86d-61d0c619ca48"],
            ),
            rule(
                "PG401",
                "geo-redundant-backup",
                "Use geo-redundant backups",
                Severity::Medium,
                &["cee2f9fd-3968-44be-a863-bd62c9884423"],
            ),
            rule("PG402", "backup-retention", "Keep backups long enough", Severity::Low, &[]),
        ],
        findings,
        vec![
            ScanError {
                path: "broken file.bicep".to_string(),
                origin: Some(Origin::new(b, Span::new(broken_end, broken_end))),
                message: "expected `}` to close the object".to_string(),
            },
            ScanError {
                path: "unreadable.json".to_string(),
                origin: None,
                message: "stream did not contain valid UTF-8".to_string(),
            },
        ],
    )
}

fn options() -> RenderOptions {
    RenderOptions { color: false, width: 80, quiet: false, ..RenderOptions::default() }
}

fn sarif(report: &ScanReport) -> Value {
    serde_json::from_str(&render(report, Format::Sarif, &options())).expect("SARIF output is JSON")
}

#[test]
fn human_snapshot() {
    insta::assert_snapshot!("human", render(&scan(""), Format::Human, &options()));
}

#[test]
fn json_snapshot() {
    insta::assert_snapshot!("json", render(&scan(""), Format::Json, &options()));
}

#[test]
fn sarif_snapshot() {
    insta::assert_snapshot!("sarif", render(&scan(""), Format::Sarif, &options()));
}

#[test]
fn quiet_drops_only_the_summary() {
    let report = scan("");
    let loud = render(&report, Format::Human, &options());
    let quiet = render(&report, Format::Human, &RenderOptions { quiet: true, ..options() });
    let summary = "3 findings (1 critical, 1 high, 1 medium), 1 unknown, 2 files with errors in 4 files\n";
    assert!(loud.ends_with(summary), "summary line missing:\n{loud}");
    assert_eq!(quiet, loud.strip_suffix(summary).expect("summary at the end"));
}

#[test]
fn color_uses_escape_codes_and_no_links() {
    let colored = render(&scan(""), Format::Human, &RenderOptions { color: true, ..options() });
    assert!(colored.contains("\u{1b}["), "no colour in:\n{colored}");
    assert!(!colored.contains("\u{1b}]8;"), "hyperlink escapes in:\n{colored}");
}

#[test]
fn empty_scan() {
    let report = ScanReport::new(Vec::new(), Vec::new(), Vec::new(), Vec::new());
    assert_eq!(render(&report, Format::Human, &options()), "no findings in 0 files\n");
    assert_eq!(render(&report, Format::Human, &RenderOptions { quiet: true, ..options() }), "");
    let json: Value = serde_json::from_str(&render(&report, Format::Json, &options())).expect("JSON");
    assert_eq!(json["summary"]["findings"], 0);
    assert_eq!(sarif(&report)["runs"][0]["results"], Value::Array(Vec::new()));
}

#[test]
fn sarif_matches_the_schema() {
    let Some(shared) = common::shared_dir("sarif_matches_the_schema") else { return };
    let path = shared.join("schemas/sarif-schema-2.1.0.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("schema readable")).expect("schema is JSON");
    // The SARIF schema is draft-04; say so rather than rely on detection.
    let validator = jsonschema::draft4::new(&schema).expect("schema compiles");
    let log = sarif(&scan(""));
    let errors: Vec<String> = validator.iter_errors(&log).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "SARIF does not match the schema:\n{}", errors.join("\n"));
    // The validator is live: a wrong enum value is caught.
    let mut broken = log.clone();
    broken["runs"][0]["columnKind"] = Value::from("bytes");
    assert!(!validator.is_valid(&broken), "the schema check accepts anything");
    // Typos in the fields serde-sarif types as plain JSON would pass the schema only by luck.
    let run = &log["runs"][0];
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    // The five rules, and a descriptor of its own for the unknown result of PG402.
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), 6);
    let unknown = &rules[5];
    assert_eq!(unknown["id"], "PG402/unknown");
    assert_eq!(unknown["defaultConfiguration"]["level"], "note");
    assert!(unknown["properties"].get("security-severity").is_none(), "an unknown is no security alert");
    assert!(!unknown["properties"]["tags"].as_array().expect("tags").contains(&Value::from("security")));
    let unknown_result = run["results"].as_array().expect("results").iter().find(|r| r["ruleId"] == "PG402/unknown");
    let unknown_result = unknown_result.expect("the unknown finding is a result");
    assert_eq!(unknown_result["level"], "note");
    assert_eq!(unknown_result["ruleIndex"], 5);
    assert_eq!(run["invocations"][0]["toolExecutionNotifications"][0]["level"], "error");
}

#[test]
fn sarif_columns_count_code_points() {
    let log = sarif(&scan(""));
    let region = &log["runs"][0]["results"][2]["locations"][0]["physicalLocation"]["region"];
    let line = PG.lines().nth(10).expect("line 11");
    let byte = line.find("'Disabled'").expect("on line 11");
    assert_eq!(region["startLine"], 11);
    assert_eq!(region["startColumn"], line[..byte].chars().count() + 1);
    assert_ne!(byte, line[..byte].chars().count(), "the line must have multi-byte characters");
}

#[test]
fn fingerprints_survive_lines_inserted_above() {
    let before = sarif(&scan(""));
    let after = sarif(&scan("// one\n// two\n// three\n"));
    let results = |log: &Value| log["runs"][0]["results"].as_array().cloned().expect("results");
    let (before, after) = (results(&before), results(&after));
    assert_eq!(before.len(), 4);
    for (b, a) in before.iter().zip(&after) {
        let line = |r: &Value| r["locations"][0]["physicalLocation"]["region"]["startLine"].as_i64().expect("line");
        assert_eq!(line(a), line(b) + 3, "the findings did move");
        assert_eq!(b["partialFingerprints"], a["partialFingerprints"]);
    }
    let prints: std::collections::BTreeSet<String> =
        before.iter().map(|r| r["partialFingerprints"].to_string()).collect();
    assert_eq!(prints.len(), before.len(), "fingerprints are distinct");
}

/// The shape of a JSON value: keys in order and the shapes of their values; an array's shape is
/// its first element's. `null` stands for "may be null" and matches any shape.
fn same_shape(documented: &Value, real: &Value, at: &str, problems: &mut Vec<String>) {
    match (documented, real) {
        (Value::Null, _) | (_, Value::Null) => {}
        (Value::Object(d), Value::Object(r)) => {
            let (dk, rk): (Vec<&String>, Vec<&String>) = (d.keys().collect(), r.keys().collect());
            if dk != rk {
                problems.push(format!("{at}: documented keys {dk:?}, real keys {rk:?}"));
            }
            for (key, value) in d {
                if let Some(other) = r.get(key) {
                    same_shape(value, other, &format!("{at}.{key}"), problems);
                }
            }
        }
        (Value::Array(d), Value::Array(r)) => {
            if let (Some(d), Some(r)) = (d.first(), r.first()) {
                same_shape(d, r, &format!("{at}[0]"), problems);
            }
        }
        (d, r) if std::mem::discriminant(d) == std::mem::discriminant(r) => {}
        (d, r) => problems.push(format!("{at}: documented {d}, real {r}")),
    }
}

#[test]
fn json_matches_the_documented_example() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/json-output.md")).expect("docs");
    let start = doc.find("```json\n").expect("an example") + 8;
    let end = start + doc[start..].find("```").expect("the example ends");
    let documented: Value = serde_json::from_str(&doc[start..end]).expect("the documented example is JSON");
    let real: Value = serde_json::from_str(&render(&scan(""), Format::Json, &options())).expect("JSON");
    let mut problems = Vec::new();
    same_shape(&documented, &real, "$", &mut problems);
    assert!(problems.is_empty(), "docs/json-output.md and the output disagree:\n{}", problems.join("\n"));
    // The comparison is live: a renamed key is caught.
    let mut renamed = real.clone();
    renamed["summary"]["files_scanned"] = renamed["summary"]["files"].take();
    let mut caught = Vec::new();
    same_shape(&documented, &renamed, "$", &mut caught);
    assert!(!caught.is_empty());
    // Every documented key of a finding is explained in the field table.
    for key in documented["findings"][0].as_object().expect("finding").keys() {
        assert!(doc.contains(&format!("`findings[].{key}`")), "`findings[].{key}` is not in the field table");
    }
    assert_eq!(real["findings"][3]["verdict"], "unknown");
    assert_eq!(real["errors"][1]["line"], Value::Null);
}
