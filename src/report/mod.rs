//! Reporters: turn a finished scan into text for people (miette diagnostics), JSON for scripts
//! (docs/json-output.md) or SARIF 2.1.0 for code-scanning services. They only render: the order
//! of findings and errors is the report's, so the same scan always gives the same bytes.

pub mod baseline;
mod concise;
mod github;
mod human;
mod json;
mod sarif;

use crate::rules::{Finding, Severity, Verdict};
use crate::scan::ScanReport;
use crate::source::SourceFile;
use crate::span::Span;
use std::collections::{BTreeSet, HashMap};

pub use sarif::Provenance;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    /// One line per finding: `path:line:col: PG201 [high] message`.
    Concise,
    Json,
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…`), annotations without code scanning.
    Github,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// Colour the human and concise output (ignored by the others).
    pub color: bool,
    /// Width the human output wraps at.
    pub width: usize,
    /// Human and concise output: print findings and errors but not the summary line.
    pub quiet: bool,
    /// SARIF `automationDetails.id`: tells apart several uploads for one commit.
    pub category: Option<String>,
    /// SARIF `versionControlProvenance`: the repository, commit and branch scanned.
    pub provenance: Option<Provenance>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions { color: false, width: 80, quiet: false, category: None, provenance: None }
    }
}

/// The whole output for one scan, ending with a newline (empty only for a quiet, clean human
/// report).
pub fn render(report: &ScanReport, format: Format, options: &RenderOptions) -> String {
    match format {
        Format::Human => human::render(report, options),
        Format::Concise => concise::render(report, options),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report, options),
        Format::Github => github::render(report),
    }
}

/// The help a finding shows: for a failing one how to fix it; for an unknown one how to make
/// the value known, since there may be nothing to fix.
pub fn finding_help(report: &ScanReport, finding: &Finding) -> String {
    let rule = &report.rules[finding.rule];
    match finding.verdict {
        Verdict::Fail => rule.docs.fix.trim().to_string(),
        Verdict::Unknown => format!(
            "pgguard cannot tell whether this fails: make the value known (a parameter default, a parameter \
             file, or the value written in the template), or check it and accept it with \
             `// pgguard-ignore {}: <reason>`",
            rule.id
        ),
    }
}

/// The key GitHub and other consumers match results on across runs, and baselines record; bump
/// the suffix whenever the hashed fields change.
pub const FINGERPRINT_KEY: &str = "pgguardFindingHash/v3";

/// A fingerprint per finding, in order: FNV-1a (64 bits) over what identifies a finding apart
/// from where it sits (rule, verdict, the file's path from the repository root, resource,
/// message, the underlined text), then an occurrence number for identical ones. Line numbers
/// stay out, so that inserting lines above a finding keeps its fingerprint; the path is the
/// root-relative one, so that the folder pgguard runs in does not matter. Written out because
/// the value must never change between Rust versions, which `std`'s hashers do not promise.
pub fn fingerprints(report: &ScanReport, findings: &[Finding]) -> Vec<String> {
    let mut seen: HashMap<u64, usize> = HashMap::new();
    findings
        .iter()
        .map(|finding| {
            let rule = &report.rules[finding.rule];
            let file = report.file(finding.location);
            let snippet = file.text.get(clamp(file, finding.location.span).range()).unwrap_or("");
            let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
            // Only what does not depend on which instance represents the finding: one finding
            // stands for every loop element, module call and parameter file that gives it, and
            // its name and message come from one of them, which changes when another goes.
            for field in [
                rule.id.as_str(),
                finding.verdict.as_str(),
                report.path(finding.location),
                &finding.resource_type,
                snippet,
            ] {
                // The 0xff separator is never part of UTF-8, so ("ab", "c") and ("a", "bc") differ.
                for byte in field.bytes().chain([0xff]) {
                    hash ^= u64::from(byte);
                    hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
                }
            }
            let occurrence = seen.entry(hash).or_insert(0);
            *occurrence += 1;
            format!("{hash:016x}:{occurrence}")
        })
        .collect()
}

/// The counts every format reports, computed once so that they agree.
struct Summary {
    /// Templates scanned, plus files that could not be read.
    files: usize,
    /// Failing findings by severity, indexed by `severity_index`.
    failing: [usize; 4],
    unknown: usize,
    errors: usize,
    files_with_errors: usize,
    suppressed: usize,
    warnings: usize,
    /// ARM templates compiled from a scanned Bicep file, not judged a second time.
    skipped_compiled: usize,
}

/// Most severe first, the order summaries list them in.
const SEVERITIES: [Severity; 4] = [Severity::Critical, Severity::High, Severity::Medium, Severity::Low];

fn severity_index(severity: Severity) -> usize {
    match severity {
        Severity::Critical => 0,
        Severity::High => 1,
        Severity::Medium => 2,
        Severity::Low => 3,
    }
}

impl Summary {
    fn of(report: &ScanReport) -> Summary {
        let mut failing = [0; 4];
        let mut unknown = 0;
        for finding in &report.findings {
            match finding.verdict {
                Verdict::Fail => failing[severity_index(report.rules[finding.rule].severity)] += 1,
                Verdict::Unknown => unknown += 1,
            }
        }
        let error_paths: BTreeSet<&str> = report.errors.iter().map(|e| e.path.as_str()).collect();
        let templates: BTreeSet<&str> = report
            .files
            .iter()
            .zip(&report.templates)
            .filter(|(_, template)| **template)
            .map(|(f, _)| f.display.as_str())
            .collect();
        Summary {
            // Templates, and the files that failed before they could be read as one.
            files: templates.len() + error_paths.difference(&templates).count(),
            failing,
            unknown,
            errors: report.errors.len(),
            files_with_errors: error_paths.len(),
            suppressed: report.suppressed.len(),
            warnings: report.warnings.len(),
            skipped_compiled: report.skipped_compiled,
        }
    }

    fn failing(&self, severity: Severity) -> usize {
        self.failing[severity_index(severity)]
    }

    fn failing_total(&self) -> usize {
        self.failing.iter().sum()
    }
}

/// A span cut to the file and to character boundaries, so that a stale or odd span from
/// upstream can never make a reporter panic or split a character.
fn clamp(file: &SourceFile, span: Span) -> Span {
    let floor = |mut i: usize| {
        i = i.min(file.text.len());
        while !file.text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(span.start as usize);
    let end = floor(span.end as usize).max(start);
    Span::new(start as u32, end as u32)
}

/// A trace step's text. The one place reporters read it, so that a typed trace changes one line.
fn label(step: &crate::model::TraceStep) -> String {
    step.label()
}

/// `Microsoft.DBforPostgreSQL/flexibleServers/firewallRules` → `flexibleServers/firewallRules`:
/// the provider namespace is the same for nearly every finding and only takes width.
fn short_type(resource_type: &str) -> &str {
    resource_type.split_once('/').map_or(resource_type, |(_, rest)| rest)
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") }
}

/// Text from a template as a terminal may print it: control characters (which could clear the
/// screen or forge a line such as a CI workflow command) written as escapes.
pub(crate) fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let escaped = text
        .chars()
        .map(|c| match c {
            '\n' => "\\n".to_string(),
            '\r' => "\\r".to_string(),
            '\t' => "\\t".to_string(),
            c if c.is_control() => format!("\\u{{{:x}}}", c as u32),
            c => c.to_string(),
        })
        .collect();
    std::borrow::Cow::Owned(escaped)
}

/// A template's text to show in excerpts: control characters other than line breaks and tabs
/// replaced by characters of the same length in UTF-8, so that spans still fit.
pub(crate) fn printable_source(file: &crate::source::SourceFile) -> std::borrow::Cow<'_, str> {
    let text = &file.text;
    if !file.has_controls() {
        return std::borrow::Cow::Borrowed(text);
    }
    let bad = crate::source::is_hidden_control;
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| match c {
                c if bad(c) && c.len_utf8() == 1 => '?',
                c if bad(c) => '\u{bf}',
                c => c,
            })
            .collect(),
    )
}
