//! Baselines: `--write-baseline FILE` records the findings of today by fingerprint, and
//! `--baseline FILE` leaves those out of later reports and counts the ones that are gone.
//! Fingerprints use paths from the repository root, so a baseline works from any folder.

use crate::scan::{BaselineOutcome, ScanReport};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct File {
    version: u32,
    /// The fingerprint scheme (`FINGERPRINT_KEY`): a baseline of another scheme matches nothing.
    fingerprint: String,
    findings: Vec<Entry>,
}

/// One recorded finding; everything but the fingerprint is there for people reading the file.
#[derive(Serialize, Deserialize)]
struct Entry {
    fingerprint: String,
    rule_id: String,
    file: String,
    line: u32,
    message: String,
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
        })
        .collect();
    let file = File { version: VERSION, fingerprint: super::FINGERPRINT_KEY.to_string(), findings };
    let mut out = serde_json::to_string_pretty(&file).expect("the baseline serializes");
    out.push('\n');
    out
}

/// The fingerprints a baseline file records; an error message when it is not one.
pub fn read(text: &str) -> Result<HashSet<String>, String> {
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
    Ok(file.findings.into_iter().map(|e| e.fingerprint).collect())
}

/// Leaves out the findings the baseline records and counts the baseline entries that no
/// finding (reported or suppressed) matches any more.
pub fn apply(report: &mut ScanReport, baseline: &HashSet<String>) {
    let mut kept = Vec::new();
    let mut prints = Vec::new();
    let mut matched = 0;
    for (finding, fingerprint) in
        std::mem::take(&mut report.findings).into_iter().zip(std::mem::take(&mut report.fingerprints))
    {
        if baseline.contains(&fingerprint) {
            matched += 1;
        } else {
            kept.push(finding);
            prints.push(fingerprint);
        }
    }
    let current: HashSet<&String> = report.suppressed.iter().map(|s| &s.fingerprint).collect();
    let still_suppressed = baseline.iter().filter(|f| current.contains(f)).count();
    report.findings = kept;
    report.fingerprints = prints;
    report.baseline =
        Some(BaselineOutcome { matched, gone: baseline.len().saturating_sub(matched + still_suppressed) });
}
