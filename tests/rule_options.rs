//! Rule options and the scan's date change verdicts as documented: `--set PG402.min-days=14`
//! (and `rules::with_options`) raises PG402's threshold, also over Azure's default for a value
//! that is not set; an option a rule does not have is an error naming the ones it has; `--today`
//! moves PG603's end-of-life verdicts, and a date that is not one is a usage error.

use assert_cmd::cargo::cargo_bin_cmd;
use pgguard::rules::date::Date;
use pgguard::rules::{self, Rule, Verdict};
use pgguard::scan::{ScanOptions, scan};
use std::path::PathBuf;

fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/rules").join(path)
}

fn rule(id: &str) -> Rule {
    rules::builtin().expect("built-in rules").into_iter().find(|r| r.id == id).expect("the rule exists")
}

fn verdicts(rule: &Rule, path: &str, today: &str) -> Vec<Verdict> {
    let options = ScanOptions {
        rules: vec![rule.clone()],
        threads: 1,
        today: Some(Date::parse(today).expect("a date")),
        ..ScanOptions::default()
    };
    let report = scan(&[fixture(path)], options).expect("scan");
    assert!(report.errors.is_empty(), "{path}: {:?}", report.errors.iter().map(|e| &e.message).collect::<Vec<_>>());
    report.findings.iter().map(|f| f.verdict).collect()
}

fn set(name: &str, value: toml::Value) -> toml::Table {
    toml::Table::from_iter([(name.to_string(), value)])
}

#[test]
fn min_days_raises_the_backup_retention_threshold() {
    let default = rule("PG402");
    let fourteen =
        rules::with_options(&default, &set("min-days", toml::Value::Integer(14))).expect("min-days is an option");
    assert_eq!(fourteen.options[0].value, toml::Value::Integer(14));
    // Seven days written: enough by default, too few for 14.
    assert_eq!(verdicts(&default, "PG402/pass-flex-seven.bicep", "2026-12-03"), vec![]);
    assert_eq!(verdicts(&fourteen, "PG402/pass-flex-seven.bicep", "2026-12-03"), vec![Verdict::Fail]);
    assert_eq!(verdicts(&fourteen, "PG402/pass-flex-seven.json", "2026-12-03"), vec![Verdict::Fail]);
    // Not written: Azure's default of 7 days is judged against the threshold as well.
    assert_eq!(verdicts(&default, "PG402/pass-flex-missing.json", "2026-12-03"), vec![]);
    assert_eq!(verdicts(&fourteen, "PG402/pass-flex-missing.json", "2026-12-03"), vec![Verdict::Fail]);
    assert_eq!(verdicts(&fourteen, "PG402/pass-single-missing.bicep", "2026-12-03"), vec![Verdict::Fail]);
    // More than the threshold still passes.
    assert_eq!(verdicts(&fourteen, "PG402/pass-flex-fourteen.bicep", "2026-12-03"), vec![]);
}

#[test]
fn an_option_the_rule_lacks_is_an_error_listing_its_options() {
    let err = rules::with_options(&rule("PG402"), &set("max-days", toml::Value::Integer(14)))
        .expect_err("PG402 has no max-days");
    assert!(err.contains("`max-days`") && err.contains("min-days"), "{err}");
    let err = rules::with_options(&rule("PG402"), &set("min-days", toml::Value::String("two weeks".into())))
        .expect_err("min-days is an integer");
    assert!(err.contains("min-days") && err.contains("integer"), "{err}");
}

fn pgguard() -> assert_cmd::Command {
    let mut cmd = cargo_bin_cmd!("pgguard");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR")).env("NO_COLOR", "1");
    cmd
}

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = pgguard().args(args).output().expect("pgguard runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn set_on_the_command_line_changes_the_verdict() {
    let seven = "testdata/rules/PG402/pass-flex-seven.bicep";
    let (code, _, stderr) = run(&["scan", seven, "--select", "PG402", "--format", "concise"]);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, stdout, stderr) =
        run(&["scan", seven, "--select", "PG402", "--format", "concise", "--set", "PG402.min-days=14"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stdout.contains("PG402") && stdout.contains("expected at least 14"), "{stdout}");
    // The slug names the rule as well as the id.
    let (code, _, stderr) = run(&["scan", seven, "--select", "PG402", "--set", "backup-retention.min-days=14"]);
    assert_eq!(code, Some(1), "{stderr}");

    let (code, _, stderr) = run(&["scan", seven, "--set", "PG402.max-days=14"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("max-days") && stderr.contains("min-days"), "{stderr}");
}

#[test]
fn today_moves_end_of_life_verdicts() {
    let fourteen = "testdata/rules/PG603/fail-flex-14.bicep";
    // PostgreSQL 14 reaches its end of life on 2026-11-12.
    let (code, _, stderr) = run(&["scan", fourteen, "--select", "PG603", "--today", "2026-11-01"]);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, _, stderr) = run(&["scan", fourteen, "--select", "PG603", "--today", "2026-11-12"]);
    assert_eq!(code, Some(0), "the last day of support passes: {stderr}");
    let (code, stdout, stderr) =
        run(&["scan", fourteen, "--select", "PG603", "--today", "2026-11-13", "--format", "concise"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stdout.contains("2026-11-12"), "{stdout}");

    for bad in ["2026-13-01", "2026-02-30", "12/03/2026", "tomorrow"] {
        let (code, _, stderr) = run(&["scan", fourteen, "--today", bad]);
        assert_eq!(code, Some(2), "--today {bad}: {stderr}");
        assert!(stderr.contains(bad) && stderr.contains("YYYY-MM-DD"), "{stderr}");
    }
}

#[test]
fn a_comparison_may_give_azures_default_for_a_missing_value() {
    let text = |missing: &str| {
        format!(
            "id = \"X1\"\nslug = \"x\"\ntitle = \"t\"\nseverity = \"low\"\n\n[[check]]\nresource-type = \"Microsoft.DBforPostgreSQL/flexibleServers\"\nexpect = {{ property = \"properties.backup.backupRetentionDays\", at-least = 10, missing = {missing} }}\n\n[docs]\nwhat = \"\"\nwhy = \"\"\nfix = \"\"\nexample-fail = \"\"\nexample-pass = \"\"\n"
        )
    };
    let seven = rules::parse("mine.toml", &text("{ default = 7 }")).expect("a default is a missing verdict");
    assert_eq!(verdicts(&seven, "PG402/pass-flex-missing.bicep", "2026-12-03"), vec![Verdict::Fail]);
    let twelve = rules::parse("mine.toml", &text("{ default = 12 }")).expect("a default is a missing verdict");
    assert_eq!(verdicts(&twelve, "PG402/pass-flex-missing.bicep", "2026-12-03"), vec![]);
    for bad in ["\"maybe\"", "{ value = 7 }", "{ default = 7, other = 1 }"] {
        let err = rules::parse("mine.toml", &text(bad)).expect_err("not a missing verdict");
        assert_eq!(err.line, 8, "{err}");
        assert!(err.message.contains("missing"), "{err}");
    }
}
