//! JSON output for scripts, as docs/json-output.md specifies: one document with the findings,
//! the input errors and a summary. Lines and columns are 1-based, columns in code points.

use super::Summary;
use crate::rules::{Finding, Severity};
use crate::scan::{ScanError, ScanReport};
use serde::Serialize;

/// Bumped on any change that can break a consumer (a key removed, renamed or retyped).
const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
    errors: Vec<JsonError<'a>>,
    warnings: Vec<JsonError<'a>>,
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule_id: &'a str,
    slug: &'a str,
    title: &'a str,
    severity: &'static str,
    verdict: &'static str,
    message: &'a str,
    location: Location<'a>,
    resource: Resource<'a>,
    trace: Vec<TraceStep<'a>>,
    contexts: &'a [String],
    fingerprint: &'a str,
    help: String,
    rule_url: Option<&'a str>,
    /// The rule's Azure Policy definition ids and CIS controls.
    azure_policy: &'a [String],
    cis: &'a [String],
    suppressed: Option<JsonSuppression<'a>>,
}

#[derive(Serialize)]
struct JsonSuppression<'a> {
    reason: Option<&'a str>,
    file: &'a str,
    line: u32,
}

#[derive(Serialize)]
struct Location<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Serialize)]
struct Resource<'a> {
    #[serde(rename = "type")]
    resource_type: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct TraceStep<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    label: String,
}

#[derive(Serialize)]
struct JsonError<'a> {
    file: &'a str,
    /// `null` when the problem has no place in the file (it could not be read).
    line: Option<u32>,
    column: Option<u32>,
    message: &'a str,
}

/// Failing findings per severity; every key is present, zero or not, so consumers need no
/// defaults.
#[derive(Serialize)]
struct BySeverity {
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    findings: usize,
    by_severity: BySeverity,
    unknown: usize,
    errors: usize,
    warnings: usize,
    suppressed: usize,
    baselined: usize,
    baseline_gone: usize,
    /// ARM templates compiled from a scanned Bicep file, not judged a second time.
    skipped_compiled: usize,
}

pub(super) fn render(report: &ScanReport) -> String {
    let summary = Summary::of(report);
    let document = Document {
        version: VERSION,
        findings: report
            .findings
            .iter()
            .zip(&report.fingerprints)
            .map(|(f, print)| finding(report, f, print, None))
            .chain(report.suppressed.iter().map(|s| {
                let file = report.file(s.directive);
                let suppression = JsonSuppression {
                    reason: s.reason.as_deref(),
                    file: &file.display,
                    line: file.line_col(s.directive.span.start).line,
                };
                finding(report, &s.finding, &s.fingerprint, Some(suppression))
            }))
            .collect(),
        errors: report.errors.iter().map(|e| error(report, e)).collect(),
        warnings: report.warnings.iter().map(|e| error(report, e)).collect(),
        summary: JsonSummary {
            files: summary.files,
            findings: summary.failing_total(),
            by_severity: BySeverity {
                critical: summary.failing(Severity::Critical),
                high: summary.failing(Severity::High),
                medium: summary.failing(Severity::Medium),
                low: summary.failing(Severity::Low),
            },
            unknown: summary.unknown,
            errors: summary.errors,
            warnings: summary.warnings,
            suppressed: summary.suppressed,
            baselined: report.baseline.map_or(0, |b| b.matched),
            baseline_gone: report.baseline.map_or(0, |b| b.gone),
            skipped_compiled: summary.skipped_compiled,
        },
    };
    let mut out = serde_json::to_string_pretty(&document).expect("the JSON report serializes");
    out.push('\n');
    out
}

fn finding<'a>(
    report: &'a ScanReport,
    finding: &'a Finding,
    fingerprint: &'a str,
    suppressed: Option<JsonSuppression<'a>>,
) -> JsonFinding<'a> {
    let rule = &report.rules[finding.rule];
    let file = report.file(finding.location);
    let (start, end) = file.range(finding.location.span);
    JsonFinding {
        rule_id: &rule.id,
        slug: &rule.slug,
        title: &rule.title,
        severity: rule.severity.as_str(),
        verdict: finding.verdict.as_str(),
        message: &finding.message,
        location: Location {
            file: &file.display,
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
        },
        resource: Resource { resource_type: &finding.resource_type, name: &finding.resource_name },
        trace: finding
            .trace
            .iter()
            .map(|step| {
                let step_file = report.file(step.origin);
                let pos = step_file.line_col(step.origin.span.start);
                TraceStep { file: &step_file.display, line: pos.line, column: pos.column, label: super::label(step) }
            })
            .collect(),
        contexts: &finding.contexts,
        fingerprint,
        help: super::finding_help(report, finding),
        rule_url: rule.help_url.as_deref(),
        azure_policy: &rule.references.azure_policy,
        cis: &rule.references.cis,
        suppressed,
    }
}

fn error<'a>(report: &ScanReport, error: &'a ScanError) -> JsonError<'a> {
    let (line, column) = match error.origin {
        Some(_) => {
            let (line, column) = report.error_position(error);
            (Some(line), Some(column))
        }
        None => (None, None),
    };
    JsonError { file: &error.path, line, column, message: &error.message }
}
