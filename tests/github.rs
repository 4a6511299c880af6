//! The GitHub integration as documented: the scan command of docs/github.md's workflow and the
//! scan step of action.yml run for real on a copy of the examples, and their SARIF validates.

mod common;

use assert_cmd::cargo::cargo_bin_cmd;
use serde_json::Value;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A repository holding the examples, for the documented commands to scan.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join(".git")).expect(".git");
    common::copy_tree(&root().join("examples"), &dir.path().join("examples"));
    dir
}

/// The `run:` script of the step named `name` in action.yml.
fn action_step(name: &str) -> String {
    let action = std::fs::read_to_string(root().join("action.yml")).expect("action.yml");
    let step = action.find(&format!("- name: {name}\n")).unwrap_or_else(|| panic!("no step {name}"));
    let run = step + action[step..].find("run: |\n").expect("a run block") + "run: |\n".len();
    let indent = action[run..].chars().take_while(|c| *c == ' ').count();
    action[run..]
        .lines()
        .take_while(|l| l.starts_with(&" ".repeat(indent)) || l.trim().is_empty())
        .map(|l| format!("{}\n", l.get(indent..).unwrap_or("")))
        .collect()
}

#[test]
fn the_documented_workflow_scan_runs_and_its_sarif_validates() {
    let doc = std::fs::read_to_string(root().join("docs/github.md")).expect("docs/github.md");
    for needle in ["security-events: write", "if: always()", "upload-sarif", "category: pgguard", "actions/cache"] {
        assert!(doc.contains(needle), "the workflow lacks `{needle}`");
    }
    let command = doc
        .lines()
        .find_map(|l| l.trim().strip_prefix("run: pgguard scan --format sarif"))
        .expect("the workflow's scan command");
    let repo = repository();
    let mut args = vec!["scan", "--format", "sarif"];
    args.extend(command.split_whitespace());
    let out = cargo_bin_cmd!("pgguard").current_dir(repo.path()).args(&args).output().expect("runs");
    assert_eq!(out.status.code(), Some(0), "--fail-on never: {}", String::from_utf8_lossy(&out.stderr));
    let log: Value =
        serde_json::from_str(&std::fs::read_to_string(repo.path().join("pgguard.sarif")).expect("written"))
            .expect("SARIF");
    common::assert_valid_sarif("the_documented_workflow_scan_runs_and_its_sarif_validates", &log);
    assert_eq!(log["runs"][0]["automationDetails"]["id"], "pgguard/");
    assert!(log["runs"][0]["results"].as_array().is_some_and(|r| !r.is_empty()));
}

#[test]
fn the_action_scan_step_runs_with_its_inputs() {
    let script = action_step("Scan");
    assert!(script.contains("--omit-suppressed") && script.contains("--category"), "{script}");
    let repo = repository();
    let runner_temp = tempfile::tempdir().expect("tempdir");
    let bin = runner_temp.path().join("pgguard-bin/bin");
    std::fs::create_dir_all(&bin).expect("bin");
    std::fs::copy(env!("CARGO_BIN_EXE_pgguard"), bin.join("pgguard")).expect("binary");
    let out = std::process::Command::new("bash")
        .arg("-euo")
        .arg("pipefail")
        .arg("-c")
        .arg(&script)
        .current_dir(repo.path())
        .env("RUNNER_TEMP", runner_temp.path())
        .env("PATHS", "examples/bicep examples/arm")
        .env("CATEGORY", "pgguard-infra")
        .env("SARIF", "out/pgguard.sarif")
        .env("FAIL_ON", "never")
        .env("ARGS", "--threads 2")
        .output()
        .expect("bash runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let log: Value =
        serde_json::from_str(&std::fs::read_to_string(repo.path().join("out/pgguard.sarif")).expect("written"))
            .expect("SARIF");
    common::assert_valid_sarif("the_action_scan_step_runs_with_its_inputs", &log);
    assert_eq!(log["runs"][0]["automationDetails"]["id"], "pgguard-infra/");
    let uris: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    assert!(
        uris.iter().any(|u| u.starts_with("examples/bicep/")) && uris.iter().any(|u| u.starts_with("examples/arm/"))
    );
    // The upload runs even when the scan fails.
    let action = std::fs::read_to_string(root().join("action.yml")).expect("action.yml");
    assert!(action.contains("if: always() && inputs.upload == 'true'"));
    assert!(action.contains("using: composite"));
}

#[test]
fn sarif_names_the_commit_in_a_git_repository() {
    let repo = repository();
    std::fs::remove_dir(repo.path().join(".git")).expect("not a real repository yet");
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git").current_dir(repo.path()).args(args).output().expect("git runs");
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    git(&["init", "-q", "-b", "main"]);
    git(&["remote", "add", "origin", "https://github.com/example/infra.git"]);
    git(&["add", "."]);
    git(&["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "examples"]);
    let head = git(&["rev-parse", "HEAD"]);
    let out = cargo_bin_cmd!("pgguard")
        .current_dir(repo.path().join("examples"))
        .args(["scan", "bicep", "--format", "sarif"])
        .output()
        .expect("runs");
    let log: Value = serde_json::from_slice(&out.stdout).expect("SARIF");
    common::assert_valid_sarif("sarif_names_the_commit_in_a_git_repository", &log);
    let provenance = &log["runs"][0]["versionControlProvenance"][0];
    assert_eq!(provenance["repositoryUri"], "https://github.com/example/infra.git");
    assert_eq!(provenance["revisionId"], head.as_str());
    assert_eq!(provenance["branch"], "main");
    assert_eq!(provenance["mappedTo"]["uriBaseId"], "%SRCROOT%");
    let uri = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    assert!(uri.as_str().is_some_and(|u| u.starts_with("examples/bicep/")), "relative to the repository: {uri}");
}
