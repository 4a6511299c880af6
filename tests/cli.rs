//! The command line end to end: formats, exit codes, bad input, determinism.

mod common;

use assert_cmd::cargo::cargo_bin_cmd;
use serde_json::Value;
use std::path::Path;

fn pgguard() -> assert_cmd::Command {
    let mut cmd = cargo_bin_cmd!("pgguard");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR")).env("NO_COLOR", "1");
    cmd
}

fn stdout(cmd: &mut assert_cmd::Command, code: i32) -> String {
    let out = cmd.output().expect("pgguard runs");
    assert_eq!(out.status.code(), Some(code), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn examples_in_the_three_formats() {
    // PG603's verdicts depend on the date: the snapshots are taken on a fixed one.
    let human = stdout(pgguard().args(["scan", "examples", "--today", "2026-12-03"]), 1);
    insta::assert_snapshot!("examples_human", human);
    let json = stdout(pgguard().args(["scan", "examples", "--format", "json", "--today", "2026-12-03"]), 1);
    insta::assert_snapshot!("examples_json", json);
    let json: Value = serde_json::from_str(&json).expect("JSON");

    let sarif = stdout(pgguard().args(["scan", "examples", "--format", "sarif", "--today", "2026-12-03"]), 1);
    let sarif: Value = serde_json::from_str(&sarif).expect("SARIF is JSON");
    common::assert_valid_sarif("examples_in_the_three_formats", &sarif);
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), json["findings"].as_array().map_or(0, Vec::len));
}

#[test]
fn every_rule_fires_on_the_examples() {
    // Azure accepts 7 to 35 days of backup retention, so at PG402's default of 7 no template
    // Azure deploys fails it: a stricter organisation sets its own.
    let args = ["scan", "examples", "--format", "json", "--set", "PG402.min-days=14"];
    let json: Value = serde_json::from_str(&stdout(pgguard().args(args), 1)).expect("JSON");
    let fired: Vec<&str> =
        json["findings"].as_array().expect("findings").iter().filter_map(|f| f["rule_id"].as_str()).collect();
    for rule in pgguard::rules::builtin().expect("rules") {
        assert!(fired.contains(&rule.id.as_str()), "{} does not fire on examples/", rule.id);
    }
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let one = stdout(pgguard().args(["scan", "examples", "testdata", "--format", "sarif", "--threads", "1"]), 1);
    let two = stdout(pgguard().args(["scan", "examples", "testdata", "--format", "sarif", "--threads", "2"]), 1);
    assert_eq!(one, two);
}

#[test]
fn fail_on_threshold_sets_the_exit_code() {
    stdout(pgguard().args(["scan", "examples", "--fail-on", "never", "--quiet"]), 0);
    stdout(pgguard().args(["scan", "examples", "--fail-on", "critical", "--quiet"]), 1);
    // PG101 (high) and medium findings only: below a critical threshold.
    stdout(
        pgguard().args(["scan", "testdata/rules/PG101/fail-ssl-disabled.bicep", "--fail-on", "critical", "--quiet"]),
        0,
    );
    stdout(pgguard().args(["scan", "testdata/rules/PG101/fail-ssl-disabled.bicep", "--fail-on", "high", "--quiet"]), 1);
    let pass = "testdata/rules/PG201/pass-flex-vnet-injected.bicep";
    let json: Value =
        serde_json::from_str(&stdout(pgguard().args(["scan", pass, "--format", "json", "--fail-on", "high"]), 0))
            .expect("JSON");
    assert!(json["findings"].as_array().is_some_and(|f| f.iter().all(|f| f["severity"] != "high")));
}

#[test]
fn output_file_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("out.sarif");
    let printed = stdout(pgguard().args(["scan", "examples", "--format", "sarif", "--output"]).arg(&file), 1);
    assert!(printed.is_empty());
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&file).expect("written")).expect("JSON");
    assert_eq!(written["version"], "2.1.0");
}

#[test]
fn a_missing_path_is_an_input_error_and_the_other_paths_are_scanned() {
    let out = pgguard().args(["scan", "no/such/dir", "examples/bicep", "--format", "json"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["errors"][0]["file"], "no/such/dir", "{json}");
    assert_eq!(json["errors"][0]["message"], "no such file or directory");
    assert!(json["findings"].as_array().is_some_and(|f| !f.is_empty()), "examples/bicep still scanned");
    // With --fail-on never the exit code says only that the scan ran.
    let out = pgguard().args(["scan", "no/such/dir", "--fail-on", "never"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no Bicep or ARM templates found in no/such/dir"));
}

#[test]
fn a_scan_that_finds_no_template_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("package.json"), "{\"name\": \"web\"}").expect("write");
    let out = pgguard().args(["scan"]).arg(dir.path()).output().expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no Bicep or ARM templates found in"), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("in 0 files"), "package.json is not counted");
}

#[test]
fn exit_codes_are_documented_in_help() {
    let help = stdout(pgguard().args(["scan", "--help"]), 0);
    for line in ["Exit codes:", "  0  the scan ran", "  1  a failing finding", "  2  pgguard itself"] {
        assert!(help.contains(line), "`{line}` not in --help:\n{help}");
    }
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).expect("README");
    assert!(readme.contains("--fail-on never"), "the README documents the exit codes");
}

#[test]
fn tool_failures_exit_with_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("PG900-bad.toml"), "id = \"PG900\"\nslug = \"bad\"\ntitle = 3\n").expect("write");
    let out = pgguard().args(["scan", "examples", "--rules"]).arg(dir.path()).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("PG900-bad.toml:3"), "{stderr}");

    let out = pgguard().args(["scan", "--format", "xml"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2), "clap rejects a bad value with 2");
}

#[test]
fn a_user_rule_runs_beside_the_builtin_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rule = r#"
id = "ORG1"
slug = "flex-version-pinned"
title = "Flexible servers run PostgreSQL 17"
severity = "medium"
help-url = "https://wiki.example.com/pg/ORG1"

[[check]]
resource-type = "Microsoft.DBforPostgreSQL/flexibleServers"
expect = { property = "properties.version", equals = "17", missing = "fail" }

[docs]
what = "Checks the major version."
why = "The organisation supports one version."
fix = "Set `properties.version` to `'17'`."
example-fail = "version: '16'"
example-pass = "version: '17'"
"#;
    std::fs::write(dir.path().join("ORG1-flex-version-pinned.toml"), rule).expect("write");
    let json: Value = serde_json::from_str(&stdout(
        pgguard().args(["scan", "examples/bicep", "--format", "json", "--rules"]).arg(dir.path()),
        1,
    ))
    .expect("JSON");
    let org: Vec<&Value> =
        json["findings"].as_array().expect("findings").iter().filter(|f| f["rule_id"] == "ORG1").collect();
    assert!(!org.is_empty(), "the user rule reports");
    // Its help link is the one its file gives; a built-in rule links its page only when the
    // package declares its repository.
    assert!(org.iter().all(|f| f["rule_url"] == "https://wiki.example.com/pg/ORG1"));
    let builtin_url = json["findings"].as_array().expect("findings").iter().find(|f| f["rule_id"] == "PG201");
    let expected = option_env!("CARGO_PKG_REPOSITORY")
        .filter(|r| !r.is_empty())
        .map(|r| Value::from(format!("{r}/blob/v{}/docs/rules/PG201.md", env!("CARGO_PKG_VERSION"))));
    assert_eq!(builtin_url.map(|f| f["rule_url"].clone()), Some(expected.unwrap_or(Value::Null)));
    let sarif: Value = serde_json::from_str(&stdout(
        pgguard().args(["scan", "examples/bicep", "--format", "sarif", "--rules"]).arg(dir.path()),
        1,
    ))
    .expect("SARIF");
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"].as_array().expect("rules");
    let org1 = rules.iter().find(|r| r["id"] == "ORG1").expect("ORG1 described");
    assert_eq!(org1["helpUri"], "https://wiki.example.com/pg/ORG1");
}

#[test]
fn broken_files_are_reported_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules/PG101/fail-ssl-disabled.bicep"),
        root.join("good.bicep"),
    )
    .expect("copy");
    std::fs::write(root.join("broken.bicep"), "param ok string = 'x'\nresource = {\nparam after int = 1\n")
        .expect("write");
    std::fs::write(root.join("binary.bicep"), b"\x00\x01\x02").expect("write");
    std::fs::write(root.join("latin1.bicep"), b"param x string = '\xe9'\n").expect("write");
    std::fs::write(
        root.join("broken.json"),
        "{\n  \"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\",\n  \"resources\": [\n",
    )
    .expect("write");
    std::fs::write(root.join("package.json"), "{\"name\": \"not a template\"}").expect("write");
    let out = pgguard().args(["scan", "--format", "json"]).arg(root).output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let errors = json["errors"].as_array().expect("errors");
    let files: Vec<String> = errors
        .iter()
        .map(|e| {
            Path::new(e["file"].as_str().unwrap_or(""))
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default()
        })
        .collect();
    for name in ["broken.bicep", "binary.bicep", "latin1.bicep", "broken.json"] {
        assert!(files.iter().any(|f| f == name), "no error for {name}: {errors:?}");
    }
    assert!(!files.iter().any(|f| f == "package.json" || f == "good.bicep"), "{errors:?}");
    let broken =
        errors.iter().find(|e| e["file"].as_str().is_some_and(|f| f.ends_with("broken.bicep"))).expect("broken");
    assert_eq!(broken["line"], 2, "{broken}");
    assert!(
        json["findings"].as_array().is_some_and(|f| f.iter().any(|f| f["rule_id"] == "PG101")),
        "good.bicep still scanned"
    );
}

#[test]
fn parse_only_reports_syntax_errors_and_no_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    for name in ["fail-ssl-disabled.bicep", "fail-ssl-disabled.json"] {
        std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules/PG101").join(name), root.join(name))
            .expect("copy");
    }
    std::fs::write(root.join("broken.bicep"), "param ok string = 'x'\nresource = {\n").expect("write");
    let out = pgguard().args(["scan", "--parse-only", "--format", "json"]).arg(root).output().expect("runs");
    assert_eq!(out.status.code(), Some(1), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let errors = json["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0]["file"].as_str().is_some_and(|f| f.ends_with("broken.bicep")), "{errors:?}");
    assert_eq!(errors[0]["line"], 2, "{errors:?}");
    // The same files scanned in full fail PG101; parsed only, nothing is judged.
    assert_eq!(json["findings"].as_array().map(Vec::len), Some(0), "{json}");
    std::fs::remove_file(root.join("broken.bicep")).expect("remove");
    stdout(pgguard().args(["scan", "--parse-only", "--quiet"]).arg(root), 0);
}

#[test]
fn module_cycles_are_reported_not_followed() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("a.bicep"), "module b 'b.bicep' = {\n  name: 'b'\n}\n").expect("write");
    std::fs::write(dir.path().join("b.bicep"), "module a 'a.bicep' = {\n  name: 'a'\n}\n").expect("write");
    let out = pgguard().args(["scan", "--format", "json"]).arg(dir.path()).output().expect("runs");
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let errors = json["errors"].as_array().expect("errors");
    assert!(errors.iter().any(|e| e["message"].as_str().is_some_and(|m| m.contains("module cycle"))), "{errors:?}");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn parse_prints_the_syntax_tree() {
    let out = stdout(pgguard().args(["parse", "testdata/rules/PG101/fail-ssl-disabled.bicep"]), 0);
    assert!(out.contains("Resource {"), "{out}");
    let out = stdout(pgguard().args(["parse", "testdata/rules/PG101/fail-ssl-disabled.json"]), 0);
    assert!(out.starts_with("Template"), "{out}");
}

#[test]
fn hostile_nesting_is_an_error_not_a_crash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let deep_json = format!(
        "{{\"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\", \"resources\": {}{}}}",
        "[".repeat(200_000),
        "]".repeat(200_000)
    );
    std::fs::write(dir.path().join("deep.json"), deep_json).expect("write");
    std::fs::write(dir.path().join("deep.bicep"), format!("var x = {}1{}\n", "(".repeat(200_000), ")".repeat(200_000)))
        .expect("write");
    let out = pgguard().args(["scan", "--format", "json"]).arg(dir.path()).output().expect("runs");
    assert_eq!(out.status.code(), Some(1), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let errors = json["errors"].as_array().expect("errors");
    for name in ["deep.json", "deep.bicep"] {
        assert!(
            errors.iter().any(|e| e["file"].as_str().is_some_and(|f| f.ends_with(name))),
            "no error for {name}: {errors:?}"
        );
    }
}

/// `pgguard rules`, `pgguard explain` and the generated docs say the same as the rule files.
#[test]
fn rules_and_explain_print_the_rule_files() {
    let rules = pgguard::rules::builtin().expect("rules");
    let table = stdout(pgguard().args(["rules"]), 0);
    let json: Value = serde_json::from_str(&stdout(pgguard().args(["rules", "--format", "json"]), 0)).expect("JSON");
    let listed = json["rules"].as_array().expect("rules");
    for rule in &rules {
        assert!(table.lines().any(|l| l.starts_with(&rule.id) && l.contains(&rule.slug) && l.contains(&rule.title)));
        let entry = listed.iter().find(|r| r["id"] == rule.id.as_str()).expect("listed");
        assert_eq!(entry["slug"], rule.slug.as_str());
        assert_eq!(entry["severity"], rule.severity.as_str());
        assert_eq!(entry["azurePolicy"], serde_json::json!(rule.references.azure_policy));
        assert_eq!(entry["cis"], serde_json::json!(rule.references.cis));
        assert_eq!(entry["peers"], serde_json::json!(rule.references.peers));
        let types: Vec<&str> = rule.resource_types();
        assert_eq!(entry["resourceTypes"], serde_json::json!(types));
        for option in &rule.options {
            assert_eq!(entry["options"][&option.name]["help"], option.help.as_str());
        }
        let page = std::fs::read_to_string(format!("{}/docs/rules/{}.md", env!("CARGO_MANIFEST_DIR"), rule.id))
            .expect("docs page");
        assert_eq!(stdout(pgguard().args(["explain", &rule.id]), 0), page, "{}", rule.id);
        assert_eq!(stdout(pgguard().args(["explain", &rule.slug]), 0), page, "{}", rule.slug);
    }
    let unknown = pgguard().args(["explain", "PG999"]).output().expect("runs");
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no rule has the id or slug `PG999`"));
    let options = &listed.iter().find(|r| r["id"] == "PG203").expect("PG203")["options"];
    assert_eq!(options["max-public-addresses"]["default"], 256);
}
