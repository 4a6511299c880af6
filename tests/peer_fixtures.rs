//! The established scanners' own PostgreSQL fixtures (`../shared/peer-fixtures`, see its
//! README): each fixture file is scanned on its own with every built-in rule, and pgguard's
//! verdict for the rule the peer's check maps to must agree with the peer's, or the difference
//! must be explained: in the fixture's `expected.json` (`explained`), or in
//! `tests/peer_fixtures_explained.toml` (ours: `../shared` is read-only). A `not yet
//! implemented` explanation excuses a file only while pgguard does not ship the rule; a file
//! whose rule is not built in yet is reported as "rule not shipped", not as a failure.
//!
//! `cargo test --test peer_fixtures -- --nocapture` prints the summary table.

mod common;

use pgguard::rules::Verdict;
use pgguard::rules::date::Date;
use pgguard::scan::{ScanOptions, ScanReport, scan};
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The explanation class that excuses a file only while its rule is absent from pgguard.
const NOT_YET: &str = "not yet implemented";

/// What a "not yet implemented" explanation says RULES.md predicts: a deliberate difference.
const PREDICTED: &str = "when built, RULES.md predicts a disagreement ";

/// Our reasons for differences that are deliberate, by `<peer>/<check>/<file>`.
fn our_explanations() -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peer_fixtures_explained.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let table: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    table
        .into_iter()
        .map(|(file, reason)| match reason {
            toml::Value::String(reason) => (file, reason),
            other => panic!("{}: `{file}` must be a string (\"<class>: reason\"), not {other}", path.display()),
        })
        .collect()
}

/// pgguard's verdict from some findings of one rule: fail when one fails, unknown when one is
/// unknown, pass when there is none.
fn verdict_of<'a>(findings: impl Iterator<Item = &'a pgguard::rules::Finding>) -> (&'static str, usize) {
    let mut fails = 0;
    let mut unknown = false;
    for f in findings {
        match f.verdict {
            Verdict::Fail => fails += 1,
            Verdict::Unknown => unknown = true,
        }
    }
    match (fails, unknown) {
        (0, false) => ("pass", 0),
        (0, true) => ("unknown", 0),
        (n, _) => ("fail", n),
    }
}

/// How one fixture file compares.
enum Outcome {
    Agree,
    Explained(String),
    Disagree(String),
    NotShipped,
    NoRule,
}

#[derive(Default)]
struct Tally {
    agree: usize,
    explained: usize,
    disagree: usize,
    not_shipped: usize,
    no_rule: usize,
}

/// Where pgguard and the peer differ for one file: `None` when they agree.
fn difference(report: &ScanReport, rule: &str, expected: &Json) -> Option<String> {
    let findings = || report.findings.iter().filter(|f| report.rules[f.rule].id == rule);
    let shown = || {
        findings()
            .map(|f| format!("{} {} `{}`: {}", f.verdict.as_str(), rule, f.resource_name, f.message))
            .chain(report.errors.iter().map(|e| format!("error: {}", e.message)))
            .collect::<Vec<_>>()
            .join("; ")
    };
    if let Some(resources) = expected.get("resources").and_then(Json::as_object) {
        let mut wrong = Vec::new();
        for (name, peer) in resources {
            let belongs = |f: &&pgguard::rules::Finding| {
                f.resource_name.eq_ignore_ascii_case(name)
                    || f.resource_name.to_ascii_lowercase().ends_with(&format!("/{}", name.to_ascii_lowercase()))
            };
            let (ours, _) = verdict_of(findings().filter(belongs));
            if Some(ours) != peer.as_str() {
                wrong.push(format!("resource `{name}`: peer {}, pgguard {ours}", peer.as_str().unwrap_or("?")));
            }
        }
        return (!wrong.is_empty()).then(|| format!("{} [{}]", wrong.join(", "), shown()));
    }
    let peer = expected.get("peer_result").and_then(Json::as_str).unwrap_or("?");
    let (ours, fails) = verdict_of(findings());
    if ours != peer {
        return Some(format!("peer {peer}, pgguard {ours} [{}]", shown()));
    }
    let count = expected.get("count").and_then(Json::as_u64).map(|c| c as usize);
    match count {
        Some(count) if peer == "fail" && count != fails => {
            Some(format!("peer fails {count} instance(s), pgguard {fails} [{}]", shown()))
        }
        _ => None,
    }
}

/// Every `<peer>/<check>/expected.json` under `dir`, sorted.
fn expectations(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut peers: Vec<PathBuf> = std::fs::read_dir(dir).expect("readable").map(|e| e.expect("entry").path()).collect();
    peers.sort();
    for peer in peers.into_iter().filter(|p| p.is_dir()) {
        let mut checks: Vec<PathBuf> =
            std::fs::read_dir(&peer).expect("readable").map(|e| e.expect("entry").path()).collect();
        checks.sort();
        out.extend(checks.into_iter().map(|c| c.join("expected.json")).filter(|p| p.is_file()));
    }
    out
}

#[test]
fn pgguard_agrees_with_the_peers_fixtures_or_says_why_not() {
    let Some(shared) = common::shared_dir("pgguard_agrees_with_the_peers_fixtures_or_says_why_not") else { return };
    let dir = shared.join("peer-fixtures");
    if !dir.is_dir() {
        if std::env::var("PGGUARD_REQUIRE_SHARED").is_ok_and(|v| v == "1") {
            panic!("{} not found and PGGUARD_REQUIRE_SHARED=1", dir.display());
        }
        eprintln!("SKIPPED pgguard_agrees_with_the_peers_fixtures_or_says_why_not: {} not found", dir.display());
        return;
    }
    let shipped: Vec<String> =
        pgguard::rules::builtin().expect("built-in rules load").into_iter().map(|r| r.id).collect();
    let ours = our_explanations();
    let mut used_ours = Vec::new();
    let today = Date::parse("2026-12-03").expect("a date");
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut disagreements = Vec::new();
    let mut stale = Vec::new();
    let mut explained_lines = Vec::new();
    for expected_path in expectations(&dir) {
        let check_dir = expected_path.parent().expect("a folder");
        let key_of = |file: &str| format!("{}", check_dir.strip_prefix(&dir).expect("under").join(file).display());
        let text = std::fs::read_to_string(&expected_path).expect("readable");
        let expected: Json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", expected_path.display()));
        let peer = expected["peer"].as_str().unwrap_or("?").to_string();
        let rule = expected["maps_to"].as_str();
        let explained = expected.get("explained").and_then(Json::as_object);
        let files = expected["files"].as_object().unwrap_or_else(|| panic!("{}: no files", expected_path.display()));
        for (file, file_expected) in files {
            let key = key_of(file);
            let outcome = match rule {
                None => Outcome::NoRule,
                Some(rule) if !shipped.iter().any(|s| s == rule) => Outcome::NotShipped,
                Some(rule) => {
                    let path = check_dir.join(file);
                    let options = ScanOptions { threads: 1, today: Some(today), ..ScanOptions::default() };
                    let report = scan(std::slice::from_ref(&path), options)
                        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                    let theirs = explained.and_then(|e| e.get(file)).and_then(Json::as_str);
                    // A "not yet implemented" entry also records what RULES.md predicts once the
                    // rule is built: a predicted deliberate difference is its explanation.
                    let predicted = theirs
                        .filter(|r| r.starts_with(NOT_YET))
                        .and_then(|r| r.split_once(PREDICTED))
                        .map(|(_, prediction)| prediction);
                    let reason =
                        ours.get(&key).map(String::as_str).or(theirs.filter(|r| !r.starts_with(NOT_YET))).or(predicted);
                    let not_template = file_expected.get("not_template").and_then(Json::as_bool) == Some(true);
                    match difference(&report, rule, file_expected) {
                        // A Blueprint artifact is no template: explained, never agreement.
                        _ if not_template => Outcome::Explained(format!("not a template ({rule})")),
                        None => {
                            if ours.contains_key(&key) {
                                stale.push(format!("{key}: pgguard now agrees; remove our explanation"));
                            }
                            Outcome::Agree
                        }
                        Some(why) => match reason {
                            Some(reason) => {
                                if ours.contains_key(&key) {
                                    used_ours.push(key.clone());
                                }
                                Outcome::Explained(format!("{rule} {why}: {reason}"))
                            }
                            None => Outcome::Disagree(format!("{key} ({rule}): {why}")),
                        },
                    }
                }
            };
            let tally = tallies.entry(peer.clone()).or_default();
            match outcome {
                Outcome::Agree => tally.agree += 1,
                Outcome::Explained(why) => {
                    tally.explained += 1;
                    explained_lines.push(format!("{key}: {why}"));
                }
                Outcome::Disagree(what) => {
                    tally.disagree += 1;
                    disagreements.push(what);
                }
                Outcome::NotShipped => tally.not_shipped += 1,
                Outcome::NoRule => tally.no_rule += 1,
            }
        }
    }
    let unused: Vec<String> = ours
        .keys()
        .filter(|k| !used_ours.contains(k) && !stale.iter().any(|s| s.starts_with(k.as_str())))
        .map(|k| format!("{k}: names no fixture file that pgguard disagrees with"))
        .collect();
    stale.extend(unused);
    let mut table = String::from("peer        agree  explained  disagree  rule not shipped  no pgguard rule\n");
    for (peer, t) in &tallies {
        let _ = writeln!(
            table,
            "{peer:<10} {:>6} {:>10} {:>9} {:>17} {:>16}",
            t.agree, t.explained, t.disagree, t.not_shipped, t.no_rule
        );
    }
    println!("explained differences:\n  {}\n\n{table}", explained_lines.join("\n  "));
    assert!(!tallies.is_empty(), "no expected.json under {}", dir.display());
    assert!(stale.is_empty(), "tests/peer_fixtures_explained.toml is stale:\n{}", stale.join("\n"));
    assert!(
        disagreements.is_empty(),
        "pgguard disagrees with the peers (fix pgguard, or add the deliberate reason to tests/peer_fixtures_explained.toml):\n{}\n\n{table}",
        disagreements.join("\n")
    );
}
