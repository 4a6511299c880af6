//! The terminal: the human output of real templates (the AVM PostgreSQL module) snapshotted and
//! kept short, the concise format, the GitHub annotations, and colour as NO_COLOR, FORCE_COLOR
//! and --color ask.

mod common;

use assert_cmd::cargo::cargo_bin_cmd;
use std::path::Path;

fn run(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let mut cmd = cargo_bin_cmd!("pgguard");
    // A home folder without a Bicep module cache: registry modules stay opaque, whatever the
    // machine has restored.
    let home = tempfile::tempdir().expect("tempdir");
    cmd.current_dir(cwd).env_remove("NO_COLOR").env_remove("FORCE_COLOR").env("HOME", home.path()).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("pgguard runs");
    (out.status.code().expect("exit code"), String::from_utf8(out.stdout).expect("UTF-8"))
}

/// The longest run of source lines one excerpt shows.
fn longest_excerpt(human: &str) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for line in human.lines() {
        let source_line = line
            .trim_start_matches([' ', '│'])
            .split_once(" │")
            .is_some_and(|(number, _)| !number.is_empty() && number.trim().chars().all(|c| c.is_ascii_digit()));
        run = if source_line { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

#[test]
fn the_avm_module_reads_well_in_a_terminal() {
    let Some(avm) = common::avm_flexible_server("the_avm_module_reads_well_in_a_terminal") else { return };
    // With the compiled `main.json`s too, whose names are ARM expressions.
    let (code, human) =
        run(&avm, &["scan", ".", "--color", "never", "--include-compiled", "--today", "2026-12-03"], &[]);
    assert_eq!(code, 1);
    // The whole report was 680 lines for 9 findings: a trace label 300 lines below the finding
    // pulled every line between into one excerpt, and ten contexts were listed in full. A
    // finding now takes about 20 lines: its excerpt, its contexts (capped) and its help.
    let findings = human.lines().filter(|l| l.trim_start().starts_with(['⚠', '☞', '×', '✗'])).count();
    assert!(findings > 0);
    assert!(human.lines().count() < 25 * findings, "{} lines for {findings} findings", human.lines().count());
    assert!(longest_excerpt(&human) <= 6, "an excerpt shows {} source lines:\n{human}", longest_excerpt(&human));
    assert!(human.contains("and 7 more"), "long context lists are capped");
    // The ARM firewall rule is named `[format('{0}/{1}', parameters('flexibleServerName'),
    // parameters('name'))]`: its name reads by its parameters, not `{…}/{…}`.
    assert!(human.contains("`{flexibleServerName}/{name}`"), "{human}");
    assert!(!human.contains('\u{1b}'), "no colour with --color never");
    insta::assert_snapshot!("avm_flexible_server_human", human);
}

/// Two quickstart templates in both languages: the Bicep and ARM JSON of one deployment, and a
/// nested ARM template whose names are expressions.
#[test]
fn quickstart_templates_read_well_in_a_terminal() {
    let Some(corpus) = common::corpus_dir("quickstart_templates_read_well_in_a_terminal") else { return };
    for (name, folder) in [
        ("quickstart_vnet_human", "quickstart/quickstarts/microsoft.dbforpostgresql/managed-postgresql-with-vnet"),
        ("quickstart_moodle_human", "quickstart/application-workloads/moodle/moodle-scalable-cluster-ubuntu/nested"),
    ] {
        let dir = corpus.join(folder);
        let file = if name.contains("moodle") { "postgres.json" } else { "." };
        let (code, human) = run(&dir, &["scan", file, "--color", "never", "--today", "2026-12-03"], &[]);
        assert_eq!(code, 1, "{human}");
        assert!(longest_excerpt(&human) <= 6, "{human}");
        assert!(!human.contains("`{…}"), "names read by their parameters: {human}");
        insta::assert_snapshot!(name, human);
    }
}

#[test]
fn concise_output_is_one_line_per_finding() {
    let Some(avm) = common::avm_flexible_server("concise_output_is_one_line_per_finding") else { return };
    let (_, concise) = run(&avm, &["scan", ".", "--format", "concise", "--today", "2026-12-03"], &[]);
    let lines: Vec<&str> = concise.lines().collect();
    assert!(lines.iter().any(|l| l.starts_with("main.bicep:366:32: PG201 [high] ")), "{concise}");
    assert!(lines.iter().any(|l| l.contains(" PG204 [medium, unknown] ")), "{concise}");
    assert!(lines.last().is_some_and(|l| l.contains("findings")), "the summary ends it");
    insta::assert_snapshot!("avm_flexible_server_concise", concise);
}

#[test]
fn github_annotations_point_at_the_repository_path() {
    let Some((_repo, infra)) = common::avm_repo("github_annotations_point_at_the_repository_path") else { return };
    let (_, out) = run(&infra, &["scan", ".", "--format", "github", "--today", "2026-12-03"], &[]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines.iter().any(|l| l.starts_with("::error file=infra/main.bicep,line=366,col=32,")
            && l.contains("title=PG201 public-network-access::")),
        "{out}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("::notice ") && l.contains("::unknown: ")),
        "unknowns are notices: {out}"
    );
    assert!(lines.iter().all(|l| l.starts_with("::")), "nothing but workflow commands: {out}");
}

#[test]
fn colour_follows_the_flag_and_the_environment() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let coloured = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec!["scan", "."];
        all.extend(args);
        run(&examples, &all, env).1.contains('\u{1b}')
    };
    assert!(!coloured(&[], &[]), "a pipe is not coloured");
    assert!(coloured(&["--color", "always"], &[]));
    assert!(coloured(&[], &[("FORCE_COLOR", "1")]));
    assert!(!coloured(&[], &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]), "NO_COLOR wins");
    assert!(coloured(&[], &[("FORCE_COLOR", "1"), ("NO_COLOR", "")]), "an empty NO_COLOR is not set");
    assert!(!coloured(&["--color", "never"], &[("FORCE_COLOR", "1")]));
    assert!(coloured(&["--format", "concise", "--color", "always"], &[]));
}
