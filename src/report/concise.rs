//! Concise output: one line per finding, error and warning, as ruff and Checkov's compact
//! output print them (`path:line:col: PG201 [high] message`), then the summary line.

use super::{RenderOptions, Summary};
use crate::rules::Verdict;
use crate::scan::{ScanError, ScanReport};
use std::fmt::Write as _;

pub(super) fn render(report: &ScanReport, options: &RenderOptions) -> String {
    let paint = |code: &str, text: &str| {
        if options.color { format!("\u{1b}[{code}m{text}\u{1b}[0m") } else { text.to_string() }
    };
    let mut out = String::new();
    for finding in &report.findings {
        let rule = &report.rules[finding.rule];
        let file = report.file(finding.location);
        let pos = file.line_col(finding.location.span.start);
        let (tag, colour) = match finding.verdict {
            Verdict::Fail => (format!("[{}]", rule.severity), "1;31"),
            Verdict::Unknown => (format!("[{}, unknown]", rule.severity), "33"),
        };
        let _ = writeln!(
            out,
            "{}:{}:{}: {} {} {}",
            paint("1", &file.display),
            pos.line,
            pos.column,
            paint(colour, &rule.id),
            tag,
            super::printable(&finding.message)
        );
    }
    let mut line = |kind: &str, colour: &str, e: &ScanError| {
        let (l, c) = report.error_position(e);
        let _ =
            writeln!(out, "{}:{l}:{c}: {} {}", paint("1", &e.path), paint(colour, kind), super::printable(&e.message));
    };
    for e in &report.errors {
        line("error", "1;31", e);
    }
    for e in &report.warnings {
        line("warning", "33", e);
    }
    if !options.quiet {
        out.push_str(&super::human::summary_line(&Summary::of(report), report));
        out.push('\n');
    }
    out
}
