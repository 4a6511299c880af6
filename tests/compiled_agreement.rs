//! Bicep and its compiled ARM agree: for every corpus `.bicep` with the JSON the compiler made
//! from it beside it, the findings each deploys (rule, verdict, resource type, per root) are
//! the same. The differences the corpus holds are explained below.

mod common;

use pgguard::scan::{ScanOptions, UnitOptions, scan};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Bicep files that call modules from the public registry (opaque without the local module
/// cache), while their compiled JSON holds those modules inline: the AVM PostgreSQL module, and
/// the AVM Key Vault module whose `secrets` output reads its `@secure()` input (PG702).
const REGISTRY_MODULES: [&str; 3] = [
    "avm/ptn/sa/chat-with-your-data/main.bicep",
    "avm/ptn/aca-lza/hosting-environment/main.bicep",
    "avm/ptn/finops-toolkit/finops-hub/main.bicep",
];

/// A Bicep file the compiler rejects (a sample of errors): the JSON beside it is not its
/// compilation (it lacks the outputs that list keys in lambdas, PG702).
const NOT_COMPILED: &str = "bicep-samples/baselines/InvalidLambdas_LF/main.bicep";

/// Whether `path` is a parameter file (`deploymentParameters`), not a compiled template: a
/// `x.json` beside `x.bicep` may be either.
fn is_parameter_file(path: &Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|text| text.contains("deploymentParameters.json"))
}

fn pairs(dir: &Path, out: &mut Vec<(PathBuf, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            pairs(&path, out);
        } else if path.extension().is_some_and(|e| e == "bicep") && path.with_extension("json").is_file() {
            out.push((path.clone(), path.with_extension("json")));
        }
    }
}

#[test]
fn bicep_and_its_compiled_arm_give_the_same_findings() {
    let Some(corpus) = common::corpus_dir("bicep_and_its_compiled_arm_give_the_same_findings") else { return };
    let mut found = Vec::new();
    pairs(&corpus, &mut found);
    assert!(found.len() > 1000, "{} pairs", found.len());
    // Every file judged on its own, and the compiled JSON too.
    let units = UnitOptions { all_roots: true, include_compiled: true, ..UnitOptions::default() };
    let report = scan(std::slice::from_ref(&corpus), ScanOptions { units, ..ScanOptions::default() }).expect("scan");
    // What each root deploys: its findings, by the root's file (a context's first segment).
    let mut by_root: BTreeMap<String, Vec<(String, &str, String)>> = BTreeMap::new();
    for finding in &report.findings {
        for context in &finding.contexts {
            let root = context.split(" › ").next().unwrap_or("").split(" with ").next().unwrap_or("");
            let entry =
                (report.rules[finding.rule].id.clone(), finding.verdict.as_str(), finding.resource_type.clone());
            by_root.entry(root.to_string()).or_default().push(entry);
        }
    }
    let findings_of = |path: &Path| {
        let shown = report.files.iter().find(|f| f.path == path).map(|f| f.display.clone()).unwrap_or_default();
        let mut found = by_root.get(&shown).cloned().unwrap_or_default();
        found.sort();
        found.dedup();
        found
    };
    let mut differ = Vec::new();
    let mut postgres = (0, 0);
    for (bicep, arm) in &found {
        let (b, a) = (findings_of(bicep), findings_of(arm));
        let text = std::fs::read_to_string(bicep).unwrap_or_default().to_ascii_lowercase();
        if text.contains("dbforpostgresql") {
            postgres.0 += 1;
            postgres.1 += usize::from(b == a);
        }
        let explained = REGISTRY_MODULES.iter().any(|m| bicep.ends_with(m)) || bicep.ends_with(NOT_COMPILED);
        if b != a && !explained && !is_parameter_file(arm) {
            differ.push(format!("{}\n  bicep: {b:?}\n  arm:   {a:?}", bicep.display()));
        }
    }
    eprintln!(
        "{} of {} pairs agree; {} of {} PostgreSQL-bearing pairs",
        found.len() - differ.len() - 1,
        found.len(),
        postgres.1,
        postgres.0
    );
    assert!(differ.is_empty(), "{} pairs differ:\n{}", differ.len(), differ.join("\n"));
}
