//! Helpers shared by the integration tests: where the shared corpus and schemas are, and the
//! SARIF schema validator. `../shared` is public material that a fresh clone may not have next
//! to it: a test that needs it is skipped with a message on the terminal, unless
//! `PGGUARD_REQUIRE_SHARED=1` (set by `.ci/run`) makes its absence a failure.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};

/// `$PGGUARD_SHARED` when set, else `../shared` beside the repository; `None` unless it holds
/// the SARIF schema.
fn find_shared() -> Option<PathBuf> {
    let dir = match std::env::var_os("PGGUARD_SHARED") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"),
    };
    dir.join("schemas/sarif-schema-2.1.0.json").is_file().then_some(dir)
}

/// Reports a skipped test on the real standard error: the test harness captures `eprintln!`
/// of passing tests, and a skip nobody sees is a test that silently stopped running.
fn skip(test: &str, what: &str) -> Option<PathBuf> {
    if std::env::var("PGGUARD_REQUIRE_SHARED").is_ok_and(|v| v == "1") {
        panic!("{test}: {what} not found and PGGUARD_REQUIRE_SHARED=1: set PGGUARD_SHARED or PGGUARD_CORPUS");
    }
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: {what} not found (put the shared material in ../shared or set PGGUARD_SHARED)"
    );
    None
}

/// The shared folder (corpus and schemas), or `None` after reporting the skip of `test`.
pub fn shared_dir(test: &str) -> Option<PathBuf> {
    find_shared().or_else(|| skip(test, "../shared"))
}

/// The template corpus: `$PGGUARD_CORPUS`, else `corpus/` of the shared folder.
pub fn corpus_dir(test: &str) -> Option<PathBuf> {
    let dir = match std::env::var_os("PGGUARD_CORPUS") {
        Some(dir) => Some(PathBuf::from(dir)),
        None => find_shared().map(|s| s.join("corpus")),
    };
    match dir {
        Some(dir) if dir.is_dir() => Some(dir),
        _ => skip(test, "the corpus (../shared/corpus)"),
    }
}

/// The AVM PostgreSQL flexible-server module of the corpus, a real module with submodules.
pub fn avm_flexible_server(test: &str) -> Option<PathBuf> {
    corpus_dir(test).map(|c| c.join("avm/res/db-for-postgre-sql/flexible-server"))
}

/// Validates a SARIF log against the 2.1.0 schema (draft-04); returns the errors, or `None`
/// when the schema is not available (the skip is reported).
pub fn sarif_errors(test: &str, log: &serde_json::Value) -> Option<Vec<String>> {
    let path = shared_dir(test)?.join("schemas/sarif-schema-2.1.0.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("schema readable")).expect("schema is JSON");
    let validator = jsonschema::draft4::new(&schema).expect("schema compiles");
    Some(validator.iter_errors(log).map(|e| format!("{} at {}", e, e.instance_path())).collect())
}

/// Asserts that a SARIF log validates (when the schema is available).
pub fn assert_valid_sarif(test: &str, log: &serde_json::Value) {
    if let Some(errors) = sarif_errors(test, log) {
        assert!(errors.is_empty(), "SARIF does not match the schema:\n{}", errors.join("\n"));
    }
}

/// Copies a folder recursively.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("readable") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("name"));
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy");
        }
    }
}

/// A throwaway repository (a `.git` folder is all pgguard looks for) with the AVM module under
/// `infra/`; `None` after reporting the skip of `test` without the corpus.
pub fn avm_repo(test: &str) -> Option<(tempfile::TempDir, PathBuf)> {
    let avm = avm_flexible_server(test)?;
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join(".git")).expect(".git");
    let infra = dir.path().join("infra");
    copy_tree(&avm, &infra);
    Some((dir, infra))
}

/// Writes the files into a temporary folder (creating subfolders) and scans the whole folder
/// with the built-in rules; the templates of the tests that use it are valid, so the scan
/// reports no error.
pub fn scan_files(files: &[(&str, &str)]) -> (tempfile::TempDir, pgguard::scan::ScanReport) {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, text).expect("write");
    }
    let options = pgguard::scan::ScanOptions::default();
    let report = pgguard::scan::scan(&[dir.path().to_path_buf()], options).expect("scan");
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    (dir, report)
}

/// The findings of one rule.
pub fn findings<'a>(report: &'a pgguard::scan::ScanReport, rule: &str) -> Vec<&'a pgguard::rules::Finding> {
    report.findings.iter().filter(|f| report.rules[f.rule].id == rule).collect()
}

/// The verdicts of one rule's findings, sorted: `[]` is a pass.
pub fn verdicts(report: &pgguard::scan::ScanReport, rule: &str) -> Vec<pgguard::rules::Verdict> {
    let mut out: Vec<pgguard::rules::Verdict> = findings(report, rule).iter().map(|f| f.verdict).collect();
    out.sort_by_key(|v| v.as_str());
    out
}

/// Every finding of a scan as "<rule> <verdict> <resource>: <message>", for failure messages.
pub fn all(report: &pgguard::scan::ScanReport) -> Vec<String> {
    report
        .findings
        .iter()
        .map(|f| format!("{} {} {}: {}", report.rules[f.rule].id, f.verdict.as_str(), f.resource_name, f.message))
        .collect()
}
