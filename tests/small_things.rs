//! Small things users hit: thread counts, symbolic links out of the tree, standard input,
//! output files (atomic, into a missing folder), `--rules` with one file, a rule whose type
//! matches nothing, `pgguard parse` positions, and `summary.files` counting templates only.

use assert_cmd::cargo::cargo_bin_cmd;
use serde_json::Value;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn pgguard(cwd: &Path) -> assert_cmd::Command {
    let mut cmd = cargo_bin_cmd!("pgguard");
    cmd.current_dir(cwd).env("NO_COLOR", "1");
    cmd
}

fn fixture(path: &str) -> std::path::PathBuf {
    root().join("testdata/rules").join(path)
}

#[test]
fn any_thread_count_works_and_gives_the_same_report() {
    let one = pgguard(root()).args(["scan", "examples", "--format", "json", "--threads", "1"]).output().expect("runs");
    let many =
        pgguard(root()).args(["scan", "examples", "--format", "json", "--threads", "100000"]).output().expect("runs");
    assert_eq!(many.status.code(), Some(1), "{}", String::from_utf8_lossy(&many.stderr));
    assert_eq!(one.stdout, many.stdout);
}

#[cfg(unix)]
#[test]
fn directory_links_out_of_the_tree_are_not_followed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scanned = dir.path().join("scanned");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(scanned.join("inner")).expect("mkdir");
    std::fs::create_dir_all(&outside).expect("mkdir");
    std::fs::copy(fixture("PG203/fail-allow-all.bicep"), outside.join("open.bicep")).expect("copy");
    std::fs::copy(fixture("PG101/fail-ssl-disabled.bicep"), scanned.join("inner/ssl.bicep")).expect("copy");
    std::os::unix::fs::symlink(&outside, scanned.join("link-out")).expect("symlink");
    std::os::unix::fs::symlink(scanned.join("inner"), scanned.join("link-in")).expect("symlink");
    let out = pgguard(dir.path()).args(["scan", "scanned", "--format", "json"]).output().expect("runs");
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let files: Vec<&str> =
        json["findings"].as_array().expect("findings").iter().filter_map(|f| f["location"]["file"].as_str()).collect();
    assert!(files.iter().all(|f| !f.contains("open.bicep") && !f.contains("link-out")), "{files:?}");
    assert!(files.iter().any(|f| f.ends_with("ssl.bicep")), "{files:?}");
}

#[test]
fn a_template_on_standard_input() {
    let text = std::fs::read_to_string(fixture("PG203/fail-allow-all.bicep")).expect("fixture");
    let out = pgguard(root())
        .args(["scan", "-", "--stdin-filename", "infra/main.bicep", "--format", "concise"])
        .write_stdin(text)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("infra/main.bicep:27:23: PG203 [critical]"), "{stdout}");
    let out = pgguard(root()).args(["scan", "-"]).write_stdin("param x string\n").output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("reads a template from standard input"));
}

#[test]
fn output_goes_into_a_new_folder_atomically_and_a_bad_one_fails_before_the_scan() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = pgguard(root())
        .args(["scan", "examples", "--format", "sarif", "--output"])
        .arg(dir.path().join("reports/ci/pgguard.sarif"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let names: Vec<String> = std::fs::read_dir(dir.path().join("reports/ci"))
        .expect("created")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["pgguard.sarif"], "no temporary file left behind");
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "").expect("write");
    let out = pgguard(root())
        .args(["scan", "no/such/path", "--output"])
        .arg(blocker.join("report.json"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "refused before scanning");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot write") && !stderr.contains("no/such/path: no such"), "{stderr}");
}

#[test]
fn rules_accepts_one_file_and_warns_about_a_type_that_matches_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rule = r#"id = "ORG2"
slug = "flex-server-typo"
title = "A rule with a typo in its type"
severity = "low"

[[check]]
resource-type = "Microsoft.DBforPostgreSQL/flexibleServer"
expect = { property = "properties.version", equals = "17", missing = "fail" }

[docs]
what = "Checks the version."
why = "One version."
fix = "Use 17."
example-fail = "version: '16'"
example-pass = "version: '17'"
"#;
    let file = dir.path().join("ORG2.toml");
    std::fs::write(&file, rule).expect("write");
    let out = pgguard(root()).args(["scan", "examples", "--rules"]).arg(&file).output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning:") && stderr.contains("`Microsoft.DBforPostgreSQL/flexibleServer` matches no"),
        "{stderr}"
    );
}

#[test]
fn parse_prints_errors_at_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("broken.bicep"), "param ok string = 'x'\nresource = {\n").expect("write");
    let out = pgguard(dir.path()).args(["parse", "broken.bicep"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.lines().any(|l| l.starts_with("broken.bicep:2:") && l.contains(": error: ")), "{stdout}");
}

#[test]
fn summary_files_counts_templates_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(fixture("PG101/fail-ssl-disabled.json"), dir.path().join("azuredeploy.json")).expect("copy");
    std::fs::write(dir.path().join("package.json"), "{\"name\": \"web\"}").expect("write");
    std::fs::write(dir.path().join("tsconfig.json"), "{\"compilerOptions\": {}}").expect("write");
    let out = pgguard(dir.path()).args(["scan", ".", "--format", "json"]).output().expect("runs");
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["summary"]["files"], 1, "{}", json["summary"]);
}
