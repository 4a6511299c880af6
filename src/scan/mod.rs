//! The scan: walk the paths, read and parse each file once (in parallel), evaluate every root
//! template into a deployment, run the rules, and gather sorted, deduplicated findings.

mod load;
mod model;
mod walk;

pub use model::{Evaluated, evaluate, evaluate_model};

use crate::eval;
use crate::rules::{Finding, Rule};
use crate::source::{Origin, SourceFile};
use crate::workspace::Workspace;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::PathBuf;

/// Everything a reporter needs, in a deterministic order.
#[derive(Debug)]
pub struct ScanReport {
    /// The file table: `Origin::file` indexes it.
    pub files: Vec<SourceFile>,
    /// The rule set the scan ran; `Finding::rule` indexes it.
    pub rules: Vec<Rule>,
    /// Sorted by file, line, rule; one per rule, location and verdict.
    pub findings: Vec<Finding>,
    /// Files that could not be read or parsed, and other problems with the input, sorted.
    pub errors: Vec<ScanError>,
}

/// A problem with one input file; the rest of the scan goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanError {
    /// The path as users see it.
    pub path: String,
    /// Where in the file, when the file could be read.
    pub origin: Option<Origin>,
    pub message: String,
}

impl ScanReport {
    pub fn file(&self, origin: Origin) -> &SourceFile {
        &self.files[origin.file.0 as usize]
    }

    /// 1-based line and column of an error (1:1 when it has no position).
    pub fn error_position(&self, error: &ScanError) -> (u32, u32) {
        match error.origin {
            Some(origin) => {
                let pos = self.file(origin).line_col(origin.span.start);
                (pos.line, pos.column)
            }
            None => (1, 1),
        }
    }
}

/// How to scan.
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// Rules to run; the built-in set when empty.
    pub rules: Vec<Rule>,
    /// Worker threads; 0 lets rayon choose.
    pub threads: usize,
}

/// The tool's own failures (exit code 2), as opposed to problems in the templates.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ToolError {
    #[error("{0}: no such file or directory")]
    #[diagnostic(code(pgguard::path))]
    MissingPath(String),
    #[error("cannot start worker threads: {0}")]
    Threads(String),
    #[error(transparent)]
    #[diagnostic(code(pgguard::rules))]
    Rules(#[from] crate::rules::RuleError),
    #[error("cannot read {path}: {message}")]
    Read { path: String, message: String },
    #[error("cannot write {path}: {message}")]
    Output { path: String, message: String },
}

/// Scans files and directories and returns the findings and errors.
pub fn scan(paths: &[PathBuf], options: ScanOptions) -> Result<ScanReport, ToolError> {
    let pool = thread_pool(options.threads)?;
    let rules = if options.rules.is_empty() { crate::rules::builtin()? } else { options.rules };
    pool.install(|| scan_in_pool(paths, rules))
}

fn thread_pool(threads: usize) -> Result<rayon::ThreadPool, ToolError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        // Deeply nested templates recurse; give workers room beyond the 2 MiB default.
        .stack_size(16 * 1024 * 1024)
        .build()
        .map_err(|e| ToolError::Threads(e.to_string()))
}

fn scan_in_pool(paths: &[PathBuf], rules: Vec<Rule>) -> Result<ScanReport, ToolError> {
    let (inputs, mut errors) = walk::collect(paths)?;
    let mut workspace = Workspace::default();
    let mut findings = Vec::new();
    let linked = load::LinkedFiles::new(&inputs);
    let judge_arm = |file, source: &SourceFile, doc: &crate::syntax::arm::ArmDocument| {
        let deployment = eval::evaluate_arm(file, &source.display, doc, &linked);
        judge(&rules, &deployment, |f| {
            if f == file { source.display.clone() } else { eval::LinkedTemplates::display(&linked, f) }
        })
    };
    let roots = load::load_files(&mut workspace, &inputs, &mut errors, &mut findings, &judge_arm);
    load::load_modules(&mut workspace, &mut errors, &mut findings, &judge_arm);

    let results: Vec<(Vec<Finding>, Vec<ScanError>)> = roots
        .par_iter()
        .filter_map(|root| {
            let deployment = eval::evaluate_bicep(&workspace, *root)?;
            Some(judge(&rules, &deployment, |file| workspace.file(file).display.clone()))
        })
        .collect();
    for (f, e) in results {
        findings.extend(f);
        errors.extend(e);
    }
    let pointed = findings.iter().flat_map(|f| std::iter::once(f.location).chain(f.trace.iter().map(|s| s.origin)));
    let pointed: Vec<_> = pointed.map(|o| o.file).collect();
    load::restore_texts(&mut workspace, pointed);
    let findings = deduplicate(findings, &workspace, &rules);
    errors.sort_by(|a, b| {
        (&a.path, a.origin.map(|o| o.span), &a.message).cmp(&(&b.path, b.origin.map(|o| o.span), &b.message))
    });
    errors.dedup();
    Ok(ScanReport { files: workspace.files, rules, findings, errors })
}

/// Runs the rules over a deployment; its evaluation problems become errors.
fn judge(
    rules: &[Rule],
    deployment: &crate::model::Deployment,
    display: impl Fn(crate::source::FileId) -> String,
) -> (Vec<Finding>, Vec<ScanError>) {
    let problems = deployment
        .problems
        .iter()
        .map(|(origin, message)| ScanError {
            path: display(origin.file),
            origin: Some(*origin),
            message: message.clone(),
        })
        .collect();
    (crate::rules::run(rules, deployment), problems)
}

/// What decides which of several identical findings is kept: everything but the contexts.
fn representative_key(f: &Finding) -> (&str, &str, &str, String) {
    (&f.message, &f.resource_name, &f.resource_type, format!("{:?}", f.trace))
}

/// One finding per rule, location and verdict, naming every instance it came from; sorted by
/// file, position and rule.
fn deduplicate(findings: Vec<Finding>, workspace: &Workspace, rules: &[Rule]) -> Vec<Finding> {
    let mut merged: HashMap<(usize, Origin, crate::rules::Verdict), Finding> = HashMap::new();
    for finding in findings {
        let key = (finding.rule, finding.location, finding.verdict);
        match merged.get_mut(&key) {
            Some(existing) => {
                existing.contexts.extend(finding.contexts.iter().cloned());
                // Keep the same representative whatever order the threads finished in.
                let contexts = std::mem::take(&mut existing.contexts);
                if representative_key(&finding) < representative_key(existing) {
                    *existing = finding;
                }
                existing.contexts.extend(contexts);
            }
            None => {
                merged.insert(key, finding);
            }
        }
    }
    let mut out: Vec<Finding> = merged.into_values().collect();
    for f in &mut out {
        f.contexts.sort();
        f.contexts.dedup();
    }
    out.sort_by(|a, b| {
        let key = |f: &Finding| {
            (
                workspace.file(f.location.file).display.clone(),
                f.location.span,
                rules[f.rule].id.clone(),
                f.rule,
                f.verdict,
                f.message.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    out
}
