//! A clean first run: without `../shared` the tests that need it are skipped with a message a
//! contributor sees, and under `PGGUARD_REQUIRE_SHARED=1` (set by `.ci/run`) they fail. This
//! test runs its own binary again, pointing `PGGUARD_SHARED` at a folder that does not exist.

mod common;

use std::process::Command;

/// Asks for the corpus; runs only when the test below starts it.
#[test]
fn probe() {
    if std::env::var_os("PGGUARD_PROBE").is_none() {
        return;
    }
    assert!(common::corpus_dir("probe").is_none());
}

fn run_probe(required: bool) -> (bool, String) {
    let exe = std::env::current_exe().expect("the test binary");
    let mut cmd = Command::new(exe);
    cmd.args(["--exact", "probe", "--test-threads", "1"])
        .env("PGGUARD_PROBE", "1")
        .env("PGGUARD_SHARED", "/nonexistent/pgguard-shared")
        .env_remove("PGGUARD_CORPUS")
        .env_remove("PGGUARD_REQUIRE_SHARED");
    if required {
        cmd.env("PGGUARD_REQUIRE_SHARED", "1");
    }
    let out = cmd.output().expect("the test binary runs");
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn without_shared_tests_skip_visibly_and_fail_when_it_is_required() {
    let (ok, log) = run_probe(false);
    assert!(ok, "{log}");
    assert!(log.contains("SKIPPED probe: the corpus (../shared/corpus) not found"), "{log}");
    let (ok, log) = run_probe(true);
    assert!(!ok, "{log}");
    assert!(log.contains("PGGUARD_REQUIRE_SHARED=1"), "{log}");
}

#[test]
fn no_machine_specific_path_in_the_repository() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut offenders = Vec::new();
    for dir in ["src", "tests", "benches", "bench", "docs", ".ci", "examples", "rules"] {
        scan(&root.join(dir), &mut offenders);
    }
    for file in ["README.md", "Cargo.toml", "action.yml", ".pre-commit-hooks.yaml"] {
        check(&root.join(file), &mut offenders);
    }
    assert!(offenders.is_empty(), "machine-specific paths: {offenders:?}");
}

fn scan(dir: &std::path::Path, offenders: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "snapshots") {
                scan(&path, offenders);
            }
        } else {
            check(&path, offenders);
        }
    }
}

fn check(path: &std::path::Path, offenders: &mut Vec<String>) {
    let Ok(text) = std::fs::read_to_string(path) else { return };
    // Spelled in two pieces so that this file does not match itself.
    for needle in [concat!("/wo", "rk/"), concat!("/ro", "ot/"), concat!("/ho", "me/")] {
        if text.contains(needle) {
            offenders.push(format!("{} contains {needle}", path.display()));
        }
    }
}
