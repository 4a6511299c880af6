//! Human output: each finding and each input error as a miette diagnostic with its source
//! snippet, then one summary line. A trace step in another file becomes a related diagnostic,
//! since one miette diagnostic shows one source.

use super::{RenderOptions, SEVERITIES, Summary, clamp, plural, short_type};
use crate::rules::{Finding, Severity, Verdict};
use crate::scan::{ScanError, ScanReport};
use crate::source::{FileId, Origin, SourceFile};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, SourceCode,
    SourceSpan, SpanContents,
};
use std::fmt::{self, Write as _};

pub(super) fn render(report: &ScanReport, options: &RenderOptions) -> String {
    let theme = if options.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_links(false)
        .with_show_related_as_nested(true);
    let mut out = String::new();
    for finding in &report.findings {
        emit(&handler, &finding_diagnostic(report, finding), &mut out);
    }
    for error in &report.errors {
        emit(&handler, &error_diagnostic(report, error, miette::Severity::Error), &mut out);
    }
    for warning in &report.warnings {
        emit(&handler, &error_diagnostic(report, warning, miette::Severity::Warning), &mut out);
    }
    if !options.quiet {
        out.push_str(&summary_line(&Summary::of(report), report));
        out.push('\n');
    }
    out
}

/// Contexts shown under a finding before "and N more".
const MAX_CONTEXTS: usize = 3;
/// A trace step in the finding's file this many lines or more away from it gets an excerpt of
/// its own, so that no snippet shows the lines in between.
const NEAR_LINES: u32 = 4;
/// Spans over more lines than this are cut to their first line.
const MAX_SPAN_LINES: u32 = 3;

/// A span cut to its first line when it runs over many (a whole array or resource body).
fn short_span(file: &SourceFile, span: crate::span::Span) -> crate::span::Span {
    let span = clamp(file, span);
    let (start, end) = file.range(span);
    if end.line - start.line < MAX_SPAN_LINES {
        return span;
    }
    let line_end = file.text[span.start as usize..].find('\n').map_or(span.end, |i| span.start + i as u32);
    crate::span::Span::new(span.start, line_end.max(span.start))
}

fn emit(handler: &GraphicalReportHandler, diagnostic: &Snippet<'_>, out: &mut String) {
    // Writing into a String only fails when a span cannot be read; then show the bare message
    // rather than lose the diagnostic.
    let mut rendered = String::new();
    if handler.render_report(&mut rendered, diagnostic).is_err() {
        rendered = format!("{}\n", diagnostic.message);
    }
    out.push_str(&rendered);
    out.push('\n');
}

fn finding_diagnostic<'r>(report: &'r ScanReport, finding: &'r Finding) -> Snippet<'r> {
    let rule = &report.rules[finding.rule];
    let file = report.file(finding.location);
    let (severity, prefix) = match finding.verdict {
        Verdict::Fail => (fail_severity(rule.severity), ""),
        Verdict::Unknown => (unknown_severity(rule.severity), "unknown: "),
    };
    let primary = short_span(file, finding.location.span);
    let shows = fits(file, primary);
    let mut labels = vec![LabeledSpan::new_primary_with_span(
        Some(super::printable(&finding.message).into_owned()),
        span(file, primary),
    )];
    // A rule that reads a secret never shows it: the literals its evidence points at are masked
    // (where its trace leads; the value itself too when it may be the secret).
    let mut secrets: Vec<Origin> = Vec::new();
    if rule.reads_secret(false) {
        secrets.extend(finding.trace.iter().map(|t| t.origin));
    }
    if rule.reads_secret(true) {
        secrets.push(finding.location);
    }
    let mut related = Vec::new();
    let line = file.line_col(finding.location.span.start).line;
    for step in &finding.trace {
        let step_file = report.file(step.origin);
        let step_span = short_span(step_file, step.origin.span);
        let near = step.origin.file == finding.location.file
            && step_file.line_col(step_span.start).line.abs_diff(line) < NEAR_LINES;
        if near && shows && fits(step_file, step_span) {
            labels.push(LabeledSpan::new_with_span(Some(super::label(step)), span(file, step_span)));
        } else if fits(step_file, step_span) {
            related.push(Snippet {
                message: super::label(step),
                code: None,
                severity: miette::Severity::Advice,
                help: None,
                source: Some(FileSource::shown(step_file, step.origin.file, &secrets)),
                labels: vec![LabeledSpan::new_primary_with_span(None, span(step_file, step_span))],
                related: Vec::new(),
            });
        } else {
            // A line too long to show (a minified template): its place instead.
            let at = step_file.line_col(step_span.start);
            related.push(Snippet {
                message: format!("{} ({}:{}:{})", super::label(step), step_file.display, at.line, at.column),
                code: None,
                severity: miette::Severity::Advice,
                help: None,
                source: None,
                labels: Vec::new(),
                related: Vec::new(),
            });
        }
    }
    let mut help = super::finding_help(report, finding);
    // A lone context that is the file itself says nothing; modules, loops and parameter files do.
    let plain = finding.contexts.len() == 1 && finding.contexts[0] == file.display;
    if !finding.contexts.is_empty() && !plain {
        let shown: Vec<&str> = finding.contexts.iter().take(MAX_CONTEXTS).map(String::as_str).collect();
        let _ = write!(help, "\nin: {}", shown.join("\n    "));
        if finding.contexts.len() > MAX_CONTEXTS {
            let _ = write!(help, "\n    and {} more", finding.contexts.len() - MAX_CONTEXTS);
        }
    }
    let resource = if finding.resource_type.is_empty() {
        String::new()
    } else {
        format!(" ({} `{}`)", short_type(&finding.resource_type), super::printable(&finding.resource_name))
    };
    Snippet {
        message: match shows {
            true => format!("{prefix}{}: {}{resource}", rule.severity, rule.title),
            // A line too long to show (a minified template): the place and the message only.
            false => {
                let at = file.line_col(primary.start);
                let message = super::printable(&finding.message);
                format!(
                    "{prefix}{}: {}{resource}\n{}:{}:{}: {message}",
                    rule.severity, rule.title, file.display, at.line, at.column
                )
            }
        },
        code: Some(format!("{}({})", rule.id, rule.slug)),
        severity,
        help: (!help.is_empty()).then_some(help),
        source: shows.then(|| FileSource::shown(file, finding.location.file, &secrets)),
        labels: if shows { labels } else { Vec::new() },
        related,
    }
}

/// Lines longer than this are not shown in excerpts: a minified template is one huge line.
const MAX_EXCERPT_LINE: usize = 400;

/// Whether the lines around `span` (the ones an excerpt shows) are short enough to show.
fn fits(file: &SourceFile, span: crate::span::Span) -> bool {
    let first = file.line_col(span.start).line.saturating_sub(1).max(1);
    let last = file.line_col(span.end).line + 1;
    (first..=last).all(|line| {
        file.line(line).len() <= MAX_EXCERPT_LINE * 4 && file.line(line).chars().count() <= MAX_EXCERPT_LINE
    })
}

fn error_diagnostic<'r>(report: &'r ScanReport, error: &'r ScanError, severity: miette::Severity) -> Snippet<'r> {
    let (message, source, labels) = match error.origin {
        Some(origin) => {
            let file = report.file(origin);
            (
                super::printable(&error.message).into_owned(),
                Some(FileSource::of(file)),
                vec![LabeledSpan::new_primary_with_span(None, span(file, origin.span))],
            )
        }
        None => (format!("{}: {}", error.path, super::printable(&error.message)), None, Vec::new()),
    };
    Snippet { message, code: None, severity, help: None, source, labels, related: Vec::new() }
}

fn fail_severity(severity: Severity) -> miette::Severity {
    match severity {
        Severity::Critical | Severity::High => miette::Severity::Error,
        Severity::Medium => miette::Severity::Warning,
        Severity::Low => miette::Severity::Advice,
    }
}

/// An unknown is a question for the reader, never an error.
fn unknown_severity(severity: Severity) -> miette::Severity {
    match severity {
        Severity::Critical | Severity::High => miette::Severity::Warning,
        Severity::Medium | Severity::Low => miette::Severity::Advice,
    }
}

fn span(file: &SourceFile, span: crate::span::Span) -> SourceSpan {
    let span = clamp(file, span);
    SourceSpan::new((span.start as usize).into(), span.len() as usize)
}

pub(super) fn summary_line(summary: &Summary, report: &ScanReport) -> String {
    let total = summary.failing_total();
    let mut line = if total == 0 {
        "no findings".to_string()
    } else {
        let by_severity: Vec<String> = SEVERITIES
            .iter()
            .zip(summary.failing)
            .filter(|(_, n)| *n > 0)
            .map(|(severity, n)| format!("{n} {severity}"))
            .collect();
        format!("{} ({})", plural(total, "finding"), by_severity.join(", "))
    };
    if summary.unknown > 0 {
        let _ = write!(line, ", {} unknown", summary.unknown);
    }
    if summary.suppressed > 0 {
        let _ = write!(line, ", {} suppressed", summary.suppressed);
    }
    if let Some(baseline) = report.baseline {
        let _ = write!(line, ", {} baselined", baseline.matched);
        if baseline.gone > 0 {
            let _ = write!(line, " ({} gone since the baseline)", baseline.gone);
        }
    }
    if summary.files_with_errors > 0 {
        let _ = write!(line, ", {} with errors", plural(summary.files_with_errors, "file"));
    }
    if summary.warnings > 0 {
        let _ = write!(line, ", {}", plural(summary.warnings, "warning"));
    }
    let _ = write!(line, " in {}", plural(summary.files, "file"));
    if summary.skipped_compiled > 0 {
        let skipped = plural(summary.skipped_compiled, "compiled ARM template");
        let _ = write!(line, " ({skipped} skipped: judged as Bicep; `--include-compiled` judges them too)");
    }
    line
}

/// One file's text under its display name, borrowed: findings are many, files are large.
struct FileSource<'a> {
    name: &'a str,
    /// For its line index.
    file: &'a SourceFile,
    text: std::borrow::Cow<'a, str>,
}

impl<'a> FileSource<'a> {
    fn of(file: &'a SourceFile) -> Self {
        FileSource { name: &file.display, file, text: super::printable_source(file) }
    }

    /// The file (`id`) with the string literals at `secrets` masked.
    fn shown(file: &'a SourceFile, id: FileId, secrets: &[Origin]) -> Self {
        let mut source = Self::of(file);
        let spans: Vec<crate::span::Span> = secrets.iter().filter(|o| o.file == id).map(|o| o.span).collect();
        if !spans.is_empty() {
            source.text = std::borrow::Cow::Owned(mask_literals(&source.text, &spans));
        }
        source
    }
}

/// `text` with the inside of each string literal that a span starts with (`'…'`, `"…"`, not an
/// ARM expression `"[…]"`) replaced by `*`, byte for byte, so that offsets and lines stay.
fn mask_literals(text: &str, spans: &[crate::span::Span]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for span in spans {
        let (start, end) = (span.start as usize, (span.end as usize).min(bytes.len()));
        let Some(literal) = text.get(start..end) else { continue };
        let quote = match literal.as_bytes().first() {
            Some(q @ (b'\'' | b'"')) if literal.len() >= 2 && !literal.starts_with("\"[") => *q,
            _ => continue,
        };
        let inner = start + 1..end - usize::from(literal.ends_with(quote as char));
        for b in &mut bytes[inner] {
            if *b != b'\n' && *b != b'\r' {
                *b = b'*';
            }
        }
    }
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

impl SourceCode for FileSource<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        // miette reads from the start of the text for each excerpt: from the first line it
        // shows instead (a file with many findings or errors would be read once for each).
        let span_line = self.file.line_col(span.offset() as u32).line as usize - 1;
        let first_line = span_line.saturating_sub(context_lines_before);
        let window = self.file.line_start(first_line).min(span.offset());
        let text = self.text.get(window..).ok_or(MietteError::OutOfBounds)?;
        let shifted = SourceSpan::new((span.offset() - window).into(), span.len());
        let inner = text.read_span(&shifted, context_lines_before, context_lines_after)?;
        let start = inner.span().offset() + window;
        // miette counts the header's column in bytes; count code points, as JSON and SARIF do.
        let column = self.file.line_col(start as u32).column as usize - 1;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            inner.data(),
            SourceSpan::new(start.into(), inner.span().len()),
            inner.line() + first_line,
            column,
            inner.line_count() + first_line,
        )))
    }
}

/// A diagnostic built at run time: miette's derive wants its labels fixed at compile time.
struct Snippet<'a> {
    message: String,
    code: Option<String>,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<FileSource<'a>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Snippet<'a>>,
}

impl fmt::Debug for Snippet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Snippet").field("message", &self.message).finish_non_exhaustive()
    }
}

impl fmt::Display for Snippet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Snippet<'_> {}

impl Diagnostic for Snippet<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code.as_ref().map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() { None } else { Some(Box::new(self.labels.iter().cloned())) }
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() { None } else { Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic))) }
    }
}
