//! A hostile review of issue 14 (suppressions, configuration, baselines, outputs, GitHub and
//! the terminal). Each test without a marker shows a defect: it asserts the right behaviour
//! and fails today. Tests marked `// holds today` pin behaviour that an attacker would try to
//! break and that is right now.

mod common;

use assert_cmd::cargo::cargo_bin_cmd;
use serde_json::Value;
use std::path::Path;

/// A throwaway repository (a `.git` folder is all pgguard looks for) holding `files`.
fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join(".git")).expect(".git");
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    dir
}

fn run_bytes(cwd: &Path, args: &[&str]) -> (i32, Vec<u8>, String) {
    let out = cargo_bin_cmd!("pgguard")
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .env_remove("FORCE_COLOR")
        .args(args)
        .output()
        .expect("pgguard runs");
    (out.status.code().expect("exit code"), out.stdout, String::from_utf8_lossy(&out.stderr).into_owned())
}

fn run(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let (code, out, err) = run_bytes(cwd, args);
    (code, String::from_utf8(out).expect("UTF-8"), err)
}

fn json(cwd: &Path, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["scan", "--format", "json"];
    all.extend(args);
    let (code, out, err) = run(cwd, &all);
    (code, serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}")))
}

/// `(rule_id, verdict)` of the reported findings, and of the suppressed ones.
fn rules_of(report: &Value) -> (Vec<String>, Vec<String>) {
    let list = |key: &str| -> Vec<String> {
        report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| (key == "suppressed") != f["suppressed"].is_null())
            .map(|f| format!("{}:{}", f["rule_id"].as_str().unwrap_or(""), f["verdict"].as_str().unwrap_or("")))
            .collect()
    };
    (list("findings"), list("suppressed"))
}

const ARM_HEAD: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
"#;

const SERVER: &str = "resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'srv'
  location: 'westeurope'
  properties: {
    network: {
      publicNetworkAccess: 'Enabled'
    }
  }
}
";

const FIREWALL: &str = "resource fw 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {
  parent: server
  name: 'all'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '255.255.255.255'
  }
}
";

// ---------------------------------------------------------------------------------------------
// Defects
// ---------------------------------------------------------------------------------------------

/// A template value with a newline and an escape sequence is printed raw by the concise and
/// human outputs: a pull request's template can forge finding lines, clear the terminal, or
/// emit GitHub workflow commands (`::warning::…`, `::add-mask::…`) into the Actions log of a
/// step that runs `pgguard scan`. `--format github` escapes the same text; the terminal
/// formats must too.
#[test]
fn terminal_outputs_do_not_print_control_characters_from_templates() {
    let template = format!(
        "{ARM_HEAD}{}",
        r#"    {
      "type": "Microsoft.DBforPostgreSQL/flexibleServers",
      "apiVersion": "2024-08-01",
      "name": "srv\u001b[2J",
      "location": "westeurope",
      "properties": { "network": { "publicNetworkAccess": "Enabled\n::warning file=forged.bicep::injected" } }
    }
  ]
}
"#
    );
    let dir = repo(&[("main.json", &template)]);
    for format in ["concise", "human"] {
        let (code, out, _) = run_bytes(dir.path(), &["scan", "--format", format, "--color", "never", "."]);
        assert_eq!(code, 1, "{format}");
        let text = String::from_utf8_lossy(&out);
        assert!(!out.contains(&0x1b), "{format} prints the template's ESC byte raw:\n{text}");
        for line in text.lines() {
            assert!(
                !line.trim_start().starts_with("::"),
                "{format}: a template value starts a line of its own: {line:?}"
            );
        }
    }
}

/// `metadata.pgguard-ignore` on a server hides the critical finding of a *different* resource,
/// the firewall rule nested in its `resources` array: the directive covers the whole JSON
/// object, children included. The issue says the metadata is "on a resource".
#[test]
fn arm_metadata_on_a_parent_does_not_suppress_a_nested_child_resource() {
    let template = format!(
        "{ARM_HEAD}{}",
        r#"    {
      "type": "Microsoft.DBforPostgreSQL/flexibleServers",
      "apiVersion": "2024-08-01",
      "name": "srv",
      "location": "westeurope",
      "metadata": { "pgguard-ignore": { "PG201": "test server", "PG203": "meant for the server only" } },
      "properties": { "network": { "publicNetworkAccess": "Enabled" } },
      "resources": [
        {
          "type": "firewallRules",
          "apiVersion": "2024-08-01",
          "name": "all",
          "dependsOn": ["srv"],
          "properties": { "startIpAddress": "0.0.0.0", "endIpAddress": "255.255.255.255" }
        }
      ]
    }
  ]
}
"#
    );
    let dir = repo(&[("main.json", &template)]);
    let (code, report) = json(dir.path(), &["--select", "PG201,PG203", "main.json"]);
    let (active, suppressed) = rules_of(&report);
    assert_eq!(suppressed, ["PG201:fail"], "only the server's own finding is suppressed");
    assert!(active.contains(&"PG203:fail".to_string()), "the child's critical finding is hidden: {active:?}");
    assert_eq!(code, 1);
}

/// A baseline recorded with one insecure deployment of a module hides every later deployment of
/// it: the finding is one per location in the module, its fingerprint ignores the deployments it
/// stands for, so a new template that deploys a public server through the module is neither
/// reported nor counted, and the exit code is 0.
#[test]
fn a_baseline_does_not_hide_a_new_insecure_deployment_of_a_baselined_module() {
    let module = "param access string
resource s 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 's'
  properties: { network: { publicNetworkAccess: access } }
}
";
    let call = |name: &str| {
        format!("module {name} 'mod/server.bicep' = {{\n  name: '{name}'\n  params: {{ access: 'Enabled' }}\n}}\n")
    };
    let dir = repo(&[("mod/server.bicep", module), ("a.bicep", &call("a"))]);
    let (code, _, err) = run(dir.path(), &["scan", "--select", "PG201", "--write-baseline", "base.json", "."]);
    assert_eq!(code, 1, "{err}");
    std::fs::write(dir.path().join("b.bicep"), call("b")).expect("write");
    let (code, report) = json(dir.path(), &["--select", "PG201", "--baseline", "base.json", "."]);
    assert_eq!(code, 1, "b.bicep deploys a public server that no baseline accepted: {report:#}");
    assert_eq!(report["findings"].as_array().map(Vec::len), Some(1), "{report:#}");
}

/// Human output prints a minified ARM template's whole line in every excerpt: one 60 KB line
/// and one finding give a 60 KB terminal line (200 findings gave 25 MB).
#[test]
fn human_output_cuts_a_very_long_source_line() {
    let resource = serde_json::json!({
        "type": "Microsoft.DBforPostgreSQL/flexibleServers",
        "apiVersion": "2024-08-01",
        "name": "srv",
        "location": "westeurope",
        "tags": { "padding": "x".repeat(60_000) },
        "properties": { "network": { "publicNetworkAccess": "Enabled" } }
    });
    let template = serde_json::json!({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "resources": [resource]
    });
    let dir = repo(&[("main.json", &template.to_string())]);
    let (code, out, _) = run(dir.path(), &["scan", "--select", "PG201", "--color", "never", "main.json"]);
    assert_eq!(code, 1);
    let longest = out.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(longest <= 1000, "a terminal line of {longest} characters ({} bytes in all)", out.len());
}

/// `/* pgguard-ignore PG201: … */ resource server …` on one line is about that resource, but
/// the directive aims at the line *after* the comment (`name: 'srv'`): the finding stays and
/// PG001 calls the suppression unused. (src/suppress.rs `comment_directive`: a comment with
/// only blanks before it is taken to be on a line of its own, whatever follows it.)
#[test]
fn a_block_comment_before_code_on_its_line_suppresses_that_code() {
    let text = SERVER.replace("resource server", "/* pgguard-ignore PG201: throwaway test server */ resource server");
    let dir = repo(&[("main.bicep", &text)]);
    let (_, report) = json(dir.path(), &["--select", "PG201", "main.bicep"]);
    let (active, suppressed) = rules_of(&report);
    assert_eq!(suppressed, ["PG201:fail"], "{report:#}");
    assert!(active.is_empty(), "{active:?}");
}

/// `#restore-diagnostics PG201` ends every open `#disable-diagnostics`, also the PG203 of
/// `#disable-diagnostics PG201 PG203`: the firewall finding below it is reported, and the PG203
/// of the directive is called unused (and named `#disable-next-line PG203`, a directive that is
/// not in the file). Bicep restores only the codes it lists.
#[test]
fn restore_diagnostics_restores_only_the_codes_it_names() {
    let text =
        format!("#disable-diagnostics PG201 PG203 // lab subscription\n{SERVER}#restore-diagnostics PG201\n{FIREWALL}");
    let dir = repo(&[("main.bicep", &text)]);
    let (code, report) = json(dir.path(), &["--select", "PG201,PG203", "main.bicep"]);
    let (active, suppressed) = rules_of(&report);
    assert_eq!(suppressed, ["PG201:fail", "PG203:fail"], "{report:#}");
    assert!(active.is_empty(), "{active:?}");
    assert_eq!(code, 0);
}

/// A trailing `// pgguard-ignore PG201` on a `var` line reaches the server declared below it
/// when the line's interpolation holds a string with a brace (`'${replace(prefix, '{', '')}'`):
/// the bracket counter of `src/suppress.rs` (`bracket_end`) takes the quotes inside `${…}` for
/// the end of the outer string, counts the `{` as open and extends the directive to the end of
/// the file.
#[test]
fn a_trailing_ignore_on_an_interpolated_line_covers_only_that_line() {
    let text = format!(
        "param prefix string = 'x'\nvar clean = '${{replace(prefix, '{{', '')}}-srv' // pgguard-ignore PG201: about this variable only\n{}",
        SERVER.replace("name: 'srv'", "name: clean")
    );
    let dir = repo(&[("main.bicep", &text)]);
    let (code, report) = json(dir.path(), &["--select", "PG201", "main.bicep"]);
    let (active, suppressed) = rules_of(&report);
    assert!(suppressed.is_empty(), "the server's finding is suppressed by a comment on another statement: {report:#}");
    assert!(active.contains(&"PG201:fail".to_string()), "{active:?}");
    assert_eq!(code, 1);
}

/// `exclude = ["/main.bicep"]` (a `.gitignore` anchor, which the docs compare the globs to)
/// matches nothing and is silently accepted: the file is scanned. It should be excluded, or be
/// a configuration error naming the line.
#[test]
fn an_anchored_exclude_glob_excludes_or_is_an_error() {
    let dir = repo(&[("main.bicep", SERVER), ("pgguard.toml", "exclude = [\"/main.bicep\"]\n")]);
    let (code, out, err) = run(dir.path(), &["scan", "--format", "concise", "--select", "PG201", "."]);
    let excluded = !out.contains("main.bicep:");
    let rejected = code == 2 && err.contains("pgguard.toml:1");
    assert!(excluded || rejected, "exit {code}, the glob was silently ignored:\n{out}{err}");
}

/// The configuration a file is judged with depends on how the scan reached it: with
/// `infra/pgguard.toml` saying `ignore = ["PG201"]`, `pgguard scan infra` (a developer, the
/// pre-commit hook) leaves PG201 out for `infra/main.bicep`, and `pgguard scan .` (the CI
/// workflow of docs/github.md) reports it. The same file must get the same verdicts (ruff
/// uses the nearest configuration of each file). `src/main.rs` `load_config`: one
/// configuration for the whole run, found from the scanned paths only.
#[test]
fn a_file_is_judged_with_the_same_configuration_however_it_is_reached() {
    let dir = repo(&[("infra/main.bicep", SERVER), ("infra/pgguard.toml", "ignore = [\"PG201\"]\n")]);
    let args = |path: &'static str| ["scan", "--format", "concise", "--select", "PG201,PG204", path];
    let (_, from_root, _) = run(dir.path(), &args("."));
    let (_, from_infra, _) = run(dir.path(), &args("infra"));
    let lines = |out: &str| out.lines().filter(|l| l.starts_with("infra/")).map(str::to_string).collect::<Vec<_>>();
    assert_eq!(lines(&from_root), lines(&from_infra), "`scan .` and `scan infra` disagree about infra/main.bicep");
}

/// The pre-commit hook passes the staged files; when they sit under two folders with their own
/// `pgguard.toml`, pgguard refuses to run (exit 2, "the scanned paths have different
/// configuration files"), so every commit that touches both folders is blocked by the tool
/// rather than by a finding.
#[test]
fn the_pre_commit_run_accepts_staged_files_under_two_configurations() {
    let dir = repo(&[
        ("infra/main.bicep", SERVER),
        ("infra/pgguard.toml", "ignore = [\"PG204\", \"PG401\"]\n"),
        ("app/main.bicep", SERVER),
        ("app/pgguard.toml", "ignore = [\"PG401\"]\n"),
    ]);
    let (code, out, err) =
        run(dir.path(), &["scan", "--changed", "--format", "concise", "infra/main.bicep", "app/main.bicep"]);
    assert_eq!(code, 1, "the hook fails on the findings, not on pgguard itself:\n{out}{err}");
    assert!(out.contains("infra/main.bicep:") && out.contains("app/main.bicep:"), "{out}");
}

/// `-o main.bicep` replaces the template being scanned with the report. An output file that is
/// one of the inputs is a usage error, before anything is written.
#[test]
fn an_output_file_that_is_a_scanned_template_is_refused() {
    let dir = repo(&[("main.bicep", SERVER)]);
    let (code, _, err) = run(dir.path(), &["scan", "--format", "json", "-o", "main.bicep", "main.bicep"]);
    let after = std::fs::read_to_string(dir.path().join("main.bicep")).expect("read");
    assert_eq!(after, SERVER, "the template was overwritten by the report");
    assert_eq!(code, 2, "{err}");
}

/// `-o report.txt` where `report.txt` is a symlink replaces the link with a regular file (the
/// rename of the atomic write lands on the link), and the file it points to is never written.
#[cfg(unix)]
#[test]
fn an_output_through_a_symlink_writes_the_file_it_points_to() {
    let dir = repo(&[("main.bicep", SERVER), ("reports/.keep", "")]);
    std::os::unix::fs::symlink("reports/report.txt", dir.path().join("report.txt")).expect("symlink");
    let (code, _, err) = run(dir.path(), &["scan", "--format", "concise", "-o", "report.txt", "main.bicep"]);
    assert_eq!(code, 1, "{err}");
    let link = std::fs::symlink_metadata(dir.path().join("report.txt")).expect("stat");
    assert!(link.file_type().is_symlink(), "the symlink was replaced by a regular file");
    let written = std::fs::read_to_string(dir.path().join("reports/report.txt")).unwrap_or_default();
    assert!(written.contains("PG201"), "the link's target holds no report: {written:?}");
}

/// `-o same.json --write-baseline same.json`: the baseline is written, then the report replaces
/// it; the next `--baseline same.json` fails with "not a pgguard baseline". Two outputs to one
/// file are a usage error.
#[test]
fn the_report_and_the_baseline_cannot_go_to_the_same_file() {
    let dir = repo(&[("main.bicep", SERVER)]);
    let (code, _, err) = run(dir.path(), &["scan", "-o", "same.json", "--write-baseline", "same.json", "main.bicep"]);
    assert_eq!(code, 2, "accepted two outputs to one file: {err}");
}

/// PG001 (an unused suppression) goes to SARIF with the `security` tag and a
/// `security-severity` of 3.0, so GitHub code scanning opens it as a Low *security* alert: a
/// stale comment is shown beside real vulnerabilities. It is housekeeping, like the unknown
/// verdicts docs/github.md already keeps out of the security view.
#[test]
fn an_unused_suppression_is_not_a_security_alert_in_sarif() {
    let text = format!("// pgguard-ignore PG203: nothing to suppress here\n{SERVER}");
    let dir = repo(&[("main.bicep", &text)]);
    let (_, out, err) = run(dir.path(), &["scan", "--format", "sarif", "main.bicep"]);
    let log: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
    let run0 = &log["runs"][0];
    let result = run0["results"].as_array().expect("results").iter().find(|r| r["ruleId"] == "PG001");
    let index = result.expect("the PG001 result")["ruleIndex"].as_u64().expect("ruleIndex") as usize;
    let rule = &run0["tool"]["driver"]["rules"][index];
    assert!(rule["properties"]["security-severity"].is_null(), "PG001 is a security alert: {rule:#}");
}

/// `--stdin-filename .` names the input `.`; the error line then shows an empty path
/// (`:1:1: error not a Bicep, Bicep parameters or ARM JSON file`).
#[test]
fn an_error_about_standard_input_names_the_stdin_filename() {
    let dir = repo(&[]);
    let out = cargo_bin_cmd!("pgguard")
        .current_dir(dir.path())
        .args(["scan", "--format", "concise", "-", "--stdin-filename", "."])
        .write_stdin(SERVER)
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.lines().any(|l| l.starts_with(':')), "an error line without a path:\n{text}");
}

// ---------------------------------------------------------------------------------------------
// Regressions that hold
// ---------------------------------------------------------------------------------------------

/// The text of a suppression inside a string is not a suppression, in Bicep and in ARM JSON.
#[test]
fn a_suppression_inside_a_string_suppresses_nothing() {
    // holds today
    let bicep = format!("var note = '// pgguard-ignore PG201: not a comment'\n{SERVER}");
    let arm = format!(
        "{ARM_HEAD}{}",
        r#"    {
      "type": "Microsoft.DBforPostgreSQL/flexibleServers",
      "apiVersion": "2024-08-01",
      "name": "srv",
      "location": "westeurope",
      "tags": { "note": "// pgguard-ignore PG201: not a comment" },
      "properties": { "network": { "publicNetworkAccess": "Enabled" } }
    }
  ]
}
"#
    );
    let dir = repo(&[("main.bicep", &bicep), ("main.json", &arm)]);
    let (code, report) = json(dir.path(), &["--select", "PG201", "."]);
    let (active, suppressed) = rules_of(&report);
    assert_eq!(active, ["PG201:fail", "PG201:fail"], "{report:#}");
    assert!(suppressed.is_empty());
    assert_eq!(code, 1);
}

/// An ignore in one file never reaches a finding at the same place in another file.
#[test]
fn an_ignore_in_one_file_does_not_reach_another() {
    // holds today
    let suppressed_here = SERVER.replace(
        "      publicNetworkAccess: 'Enabled'",
        "      publicNetworkAccess: 'Enabled' // pgguard-ignore PG201: test server",
    );
    let dir = repo(&[("a.bicep", &suppressed_here), ("b.bicep", SERVER)]);
    let (code, report) = json(dir.path(), &["--select", "PG201", "."]);
    let (active, suppressed) = rules_of(&report);
    assert_eq!((active.len(), suppressed.len()), (1, 1), "{report:#}");
    assert_eq!(report["findings"][0]["location"]["file"], "b.bicep", "{report:#}");
    assert_eq!(report["findings"][1]["suppressed"]["file"], "a.bicep", "{report:#}");
    assert_eq!(code, 1);
}

/// A typo in the rule name of a suppression suppresses nothing and says so.
#[test]
fn a_misspelt_rule_in_a_suppression_hides_nothing_and_warns() {
    // holds today
    let text = format!("// pgguard-ignore firewall-open-to-internt: office range\n{FIREWALL}\n{SERVER}");
    let dir = repo(&[("main.bicep", &text)]);
    let (code, out, err) = run(dir.path(), &["scan", "--format", "concise", "--select", "PG203", "main.bicep"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("PG203 [critical]"), "{out}");
    assert!(out.contains("firewall-open-to-internt") && out.contains("warning"), "{out}");
}

/// A suppression at one of two calls of a module does not suppress the finding the other call
/// also produces.
#[test]
fn a_suppression_at_one_of_two_module_calls_does_not_hide_the_other() {
    // holds today
    let module = "param access string
resource s 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 's'
  properties: { network: { publicNetworkAccess: access } }
}
";
    let main = "// pgguard-ignore PG201: test deployment
module a 'mod/server.bicep' = {
  name: 'a'
  params: { access: 'Enabled' }
}
module b 'mod/server.bicep' = {
  name: 'b'
  params: { access: 'Enabled' }
}
";
    let dir = repo(&[("mod/server.bicep", module), ("main.bicep", main)]);
    let (code, report) = json(dir.path(), &["--select", "PG201", "."]);
    let (active, suppressed) = rules_of(&report);
    assert!(active.contains(&"PG201:fail".to_string()) && suppressed.is_empty(), "{report:#}");
    assert_eq!(code, 1);
}

/// `#disable-next-line` inside a multi-line string is text, not a directive.
#[test]
fn a_directive_inside_a_multiline_string_is_not_one() {
    // holds today
    let text = format!("var doc = \'\'\'\n#disable-next-line PG201\n\'\'\'\n{SERVER}");
    let dir = repo(&[("main.bicep", &text)]);
    let (code, report) = json(dir.path(), &["--select", "PG201", "main.bicep"]);
    assert_eq!(rules_of(&report), (vec!["PG201:fail".to_string()], Vec::new()), "{report:#}");
    assert_eq!(code, 1);
}

/// `--fail-on never` exits 0 with findings and a missing path; unknown verdicts do not fail by
/// default but do with `unknown = "fail"`.
#[test]
fn exit_codes_for_never_and_the_unknown_policy() {
    // holds today
    let unknown =
        SERVER.replace("'Enabled'", "access").replace("resource server", "param access string\nresource server");
    let dir = repo(&[("main.bicep", SERVER), ("unknown/main.bicep", &unknown)]);
    let (code, out, err) =
        run(dir.path(), &["scan", "--format", "concise", "--fail-on", "never", "main.bicep", "missing.bicep"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("missing.bicep:1:1: error"), "the missing path is reported: {out}");
    assert!(out.contains("PG201 [high]"), "the other path is still scanned: {out}");
    let (code, report) = json(dir.path(), &["--select", "PG201", "unknown"]);
    assert_eq!(rules_of(&report).0, ["PG201:unknown"], "{report:#}");
    assert_eq!(code, 0);
    std::fs::write(dir.path().join("unknown/pgguard.toml"), "unknown = \"fail\"\n").expect("write");
    let (code, _) = json(dir.path(), &["--select", "PG201", "unknown"]);
    assert_eq!(code, 1);
}

/// Inserting unrelated lines above a baselined finding keeps its fingerprint.
#[test]
fn fingerprints_survive_lines_inserted_above() {
    // holds today
    let dir = repo(&[("main.bicep", SERVER)]);
    let (_, before) = json(dir.path(), &["--select", "PG201", "main.bicep"]);
    let (_, _, err) = run(dir.path(), &["scan", "--select", "PG201", "--write-baseline", "base.json", "main.bicep"]);
    std::fs::write(dir.path().join("main.bicep"), format!("param unrelated string = 'x'\n\n{SERVER}")).expect("write");
    let (_, after) = json(dir.path(), &["--select", "PG201", "main.bicep"]);
    assert_eq!(before["findings"][0]["fingerprint"], after["findings"][0]["fingerprint"], "{err}");
    let (code, report) = json(dir.path(), &["--select", "PG201", "--baseline", "base.json", "main.bicep"]);
    assert_eq!((code, report["findings"].as_array().map(Vec::len)), (0, Some(0)), "{report:#}");
}

/// `--format github` escapes `%`, newlines, `:` and `,` in the path and the message.
#[test]
fn github_annotations_escape_paths_and_template_values() {
    // holds today
    let text = SERVER.replace("'Enabled'", "'Enabled\\n::error::forged 100%'");
    let dir = repo(&[("odd, na:me%.bicep", &text)]);
    let (_, out, err) = run(dir.path(), &["scan", "--format", "github", "--select", "PG201", "."]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1, "{out}{err}");
    assert!(lines[0].starts_with("::error file=odd%2C na%3Ame%25.bicep,"), "{out}");
    assert!(lines[0].contains("%0A::error::forged 100%25"), "{out}");
}

/// SARIF with a suppressed and an unknown finding validates; the unknown is a note without a
/// security severity, so code scanning does not raise it as a High alert.
#[test]
fn sarif_with_suppressions_and_unknowns_validates_and_unknowns_are_notes() {
    // holds today
    let unknown =
        SERVER.replace("'Enabled'", "access").replace("resource server", "param access string\nresource server");
    let suppressed = SERVER.replace(
        "      publicNetworkAccess: 'Enabled'",
        "      publicNetworkAccess: 'Enabled' // pgguard-ignore PG201: test server",
    );
    let dir = repo(&[("u.bicep", &unknown), ("s.bicep", &suppressed)]);
    let (_, out, err) = run(dir.path(), &["scan", "--format", "sarif", "--select", "PG201", "."]);
    let log: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
    common::assert_valid_sarif("sarif_with_suppressions_and_unknowns_validates_and_unknowns_are_notes", &log);
    let run0 = &log["runs"][0];
    let results = run0["results"].as_array().expect("results");
    assert_eq!(results.len(), 2, "{out}");
    let unknown = results.iter().find(|r| r["ruleId"] == "PG201/unknown").expect("the unknown result");
    assert_eq!(unknown["level"], "note");
    let index = unknown["ruleIndex"].as_u64().expect("ruleIndex") as usize;
    let rule = &run0["tool"]["driver"]["rules"][index];
    assert_eq!(rule["id"], "PG201/unknown");
    assert!(rule["properties"]["security-severity"].is_null(), "{rule:#}");
    let suppressed = results.iter().find(|r| r["ruleId"] == "PG201").expect("the suppressed result");
    assert_eq!(suppressed["suppressions"][0]["kind"], "inSource");
}

/// Every format gives the same bytes with one thread and with many, on the AVM module.
#[test]
fn every_format_is_the_same_across_thread_counts() {
    // holds today
    let Some(avm) = common::avm_flexible_server("every_format_is_the_same_across_thread_counts") else {
        return;
    };
    let avm = avm.to_string_lossy().into_owned();
    for format in ["human", "concise", "json", "sarif", "github"] {
        let outputs: Vec<String> = ["1", "8"]
            .iter()
            .map(|threads| {
                let cwd = Path::new(env!("CARGO_MANIFEST_DIR"));
                run(cwd, &["scan", "--format", format, "--color", "never", "--threads", threads, &avm]).1
            })
            .collect();
        assert_eq!(outputs[0], outputs[1], "{format} differs across --threads");
    }
}
