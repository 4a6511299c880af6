//! Baselines: `--write-baseline FILE` records the findings of today by fingerprint, with the
//! deployments each stands for, and `--baseline FILE` leaves those out of later reports
//! (a recorded finding reached through a new deployment is new) and counts the ones that are
//! gone. Paths are from the repository root, so a baseline works from any folder.

use crate::rules::Finding;
use crate::scan::{BaselineOutcome, ScanReport};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct File {
    version: u32,
    /// The fingerprint scheme (`FINGERPRINT_KEY`): a baseline of another scheme matches nothing.
    fingerprint: String,
    findings: Vec<Entry>,
}

/// One recorded finding; the fingerprint and contexts decide, the rest is for people reading
/// the file.
#[derive(Serialize, Deserialize)]
struct Entry {
    fingerprint: String,
    rule_id: String,
    file: String,
    line: u32,
    message: String,
    /// The deployments it stood for (root files from the repository root, module calls).
    #[serde(default)]
    contexts: Vec<String>,
}

/// What a baseline records: each fingerprint with the deployments it stood for.
pub type Baseline = HashMap<String, HashSet<String>>;

/// A finding's contexts with their root files named from the repository root.
fn contexts(report: &ScanReport, finding: &Finding) -> Vec<String> {
    let by_display: HashMap<&str, &str> =
        report.files.iter().zip(&report.paths).map(|(f, p)| (f.display.as_str(), p.as_str())).collect();
    let rooted = |display: &str| by_display.get(display).map_or(display, |p| p).to_string();
    finding
        .contexts
        .iter()
        .map(|context| {
            let (root, rest) = context.split_once(" › ").map_or((context.as_str(), None), |(r, rest)| (r, Some(rest)));
            let root = match root.split_once(" with ") {
                Some((template, params)) => format!("{} with {}", rooted(template), rooted(params)),
                None => rooted(root),
            };
            match rest {
                Some(rest) => format!("{root} › {rest}"),
                None => root,
            }
        })
        .collect()
}

/// The baseline for the report's findings, as JSON.
pub fn write(report: &ScanReport) -> String {
    let findings = report
        .findings
        .iter()
        .zip(&report.fingerprints)
        .map(|(f, fingerprint)| Entry {
            fingerprint: fingerprint.clone(),
            rule_id: report.rules[f.rule].id.clone(),
            file: report.path(f.location).to_string(),
            line: report.file(f.location).line_col(f.location.span.start).line,
            message: f.message.clone(),
            contexts: contexts(report, f),
        })
        .collect();
    let file = File { version: VERSION, fingerprint: super::FINGERPRINT_KEY.to_string(), findings };
    let mut out = serde_json::to_string_pretty(&file).expect("the baseline serializes");
    out.push('\n');
    out
}

/// What a baseline file records; an error message when it is not one.
pub fn read(text: &str) -> Result<Baseline, String> {
    let file: File = serde_json::from_str(text).map_err(|e| format!("not a pgguard baseline: {e}"))?;
    if file.version != VERSION {
        return Err(format!("baseline version {} is not the {VERSION} this pgguard reads", file.version));
    }
    if file.fingerprint != super::FINGERPRINT_KEY {
        return Err(format!(
            "the baseline's fingerprints are `{}`, this pgguard makes `{}`: write it again with --write-baseline",
            file.fingerprint,
            super::FINGERPRINT_KEY
        ));
    }
    let mut baseline = Baseline::new();
    for entry in file.findings {
        baseline.entry(entry.fingerprint).or_default().extend(entry.contexts);
    }
    Ok(baseline)
}

/// Leaves out the findings the baseline records, keeping those reached through deployments
/// it did not record (reported for those only), and counts the baseline entries that no
/// finding (reported or suppressed) matches any more.
pub fn apply(report: &mut ScanReport, baseline: &Baseline) {
    let mut kept = Vec::new();
    let mut prints = Vec::new();
    let mut matched = 0;
    let findings = std::mem::take(&mut report.findings);
    let fingerprints = std::mem::take(&mut report.fingerprints);
    for (mut finding, fingerprint) in findings.into_iter().zip(fingerprints) {
        let Some(recorded) = baseline.get(&fingerprint) else {
            kept.push(finding);
            prints.push(fingerprint);
            continue;
        };
        matched += 1;
        // A baseline written before contexts were recorded knows none: it takes them all.
        let new: Vec<String> = finding
            .contexts
            .iter()
            .zip(contexts(report, &finding))
            .filter(|(_, rooted)| !recorded.is_empty() && !recorded.contains(rooted))
            .map(|(shown, _)| shown.clone())
            .collect();
        if !new.is_empty() {
            finding.contexts = new;
            kept.push(finding);
            prints.push(fingerprint);
        }
    }
    let current: HashSet<&String> = report.suppressed.iter().map(|s| &s.fingerprint).collect();
    let still_suppressed = baseline.keys().filter(|f| current.contains(f)).count();
    report.findings = kept;
    report.fingerprints = prints;
    report.baseline =
        Some(BaselineOutcome { matched, gone: baseline.len().saturating_sub(matched + still_suppressed) });
}
