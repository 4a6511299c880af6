//! GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=PG203::message`, one per
//! finding, error and warning, which Actions shows as annotations on the pull request's diff.
//! For repositories without code scanning; SARIF is the richer route.

use crate::rules::{Severity, Verdict};
use crate::scan::{ScanError, ScanReport};
use std::fmt::Write as _;

pub(super) fn render(report: &ScanReport) -> String {
    let mut out = String::new();
    for finding in &report.findings {
        let rule = &report.rules[finding.rule];
        let (start, end) = report.file(finding.location).range(finding.location.span);
        let command = match (finding.verdict, rule.severity) {
            (Verdict::Unknown, _) | (Verdict::Fail, Severity::Low) => "notice",
            (Verdict::Fail, Severity::Medium) => "warning",
            (Verdict::Fail, _) => "error",
        };
        let prefix = if finding.verdict == Verdict::Unknown { "unknown: " } else { "" };
        let _ = writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{prefix}{} ({}, {})",
            property(report.path(finding.location)),
            start.line,
            start.column,
            end.line,
            end.column,
            property(&format!("{} {}", rule.id, rule.slug)),
            data(&finding.message),
            rule.severity,
            data(&rule.title),
        );
    }
    let mut plain = |command: &str, e: &ScanError| {
        let (line, col) = report.error_position(e);
        let _ = writeln!(
            out,
            "::{command} file={},line={line},col={col},title=pgguard::{}",
            property(&report.error_path(e)),
            data(&e.message)
        );
    };
    for e in &report.errors {
        plain("error", e);
    }
    for e in &report.warnings {
        plain("warning", e);
    }
    out
}

/// Escapes a message as the Actions runner expects (`%`, CR and LF).
fn data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property value, which also may not hold `:` or `,`.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_the_runner_reads_as_syntax() {
        assert_eq!(data("50% of\nlines"), "50%25 of%0Alines");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
    }
}
