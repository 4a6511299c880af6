//! Reporters: turn a finished scan into text for people (miette diagnostics), JSON for scripts
//! (docs/json-output.md) or SARIF 2.1.0 for code-scanning services. They only render: the order
//! of findings and errors is the report's, so the same scan always gives the same bytes.

mod human;
mod json;
mod sarif;

use crate::rules::{Severity, Verdict};
use crate::scan::ScanReport;
use crate::source::SourceFile;
use crate::span::Span;
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderOptions {
    /// Colour the human output (ignored by JSON and SARIF).
    pub color: bool,
    /// Width the human output wraps at.
    pub width: usize,
    /// Human output only: print findings and errors but not the summary line.
    pub quiet: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions { color: false, width: 80, quiet: false }
    }
}

/// The whole output for one scan, ending with a newline (empty only for a quiet, clean human
/// report).
pub fn render(report: &ScanReport, format: Format, options: &RenderOptions) -> String {
    match format {
        Format::Human => human::render(report, options),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report),
    }
}

/// The counts every format reports, computed once so that they agree.
struct Summary {
    /// Files scanned: those read, plus those that could not be read.
    files: usize,
    /// Failing findings by severity, indexed by `severity_index`.
    failing: [usize; 4],
    unknown: usize,
    errors: usize,
    files_with_errors: usize,
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
        let mut files: BTreeSet<&str> = report.files.iter().map(|f| f.display.as_str()).collect();
        files.extend(&error_paths);
        Summary {
            files: files.len(),
            failing,
            unknown,
            errors: report.errors.len(),
            files_with_errors: error_paths.len(),
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

fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") }
}
