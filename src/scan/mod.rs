//! The scan: walk the paths, read and parse each file once (in parallel), evaluate every root
//! template into a deployment, run the rules, and gather sorted, deduplicated findings; then
//! apply the inline suppressions, the rule selection and the unknown policy.

mod load;
mod model;
mod names;
mod registry;
mod relevance;
mod suppressions;
mod units;
mod walk;

pub use model::{Evaluated, evaluate, evaluate_model};
pub use units::UnitOptions;
use units::Units;

use crate::config::{Excludes, UnknownPolicy};
use crate::eval;
use crate::rules::{Finding, Rule};
use crate::source::{Origin, SourceFile};
use crate::workspace::{Workspace, canonical};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Everything a reporter needs, in a deterministic order.
#[derive(Debug)]
pub struct ScanReport {
    /// The file table: `Origin::file` indexes it.
    pub files: Vec<SourceFile>,
    /// Each file's path relative to `root`, with `/` (absolute when outside it): what SARIF
    /// URIs, fingerprints and baselines use, the same whatever folder pgguard ran in.
    pub paths: Vec<String>,
    /// The repository root (the nearest `.git`), `--root`, or the current folder.
    pub root: PathBuf,
    /// The rule set the scan ran; `Finding::rule` indexes it.
    pub rules: Vec<Rule>,
    /// Sorted by file, line, rule; one per rule, location and verdict. Suppressed and
    /// baselined findings are not here.
    pub findings: Vec<Finding>,
    /// `fingerprints[i]` identifies `findings[i]` across runs and checkouts.
    pub fingerprints: Vec<String>,
    /// Findings an inline suppression accepts, with its reason.
    pub suppressed: Vec<Suppressed>,
    /// Files that could not be read or parsed, and other problems with the input, sorted.
    pub errors: Vec<ScanError>,
    /// Problems that do not make the scan fail: a suppression without a reason, an unknown rule
    /// name in a suppression.
    pub warnings: Vec<ScanError>,
    /// `templates[i]`: file `i` is a template or parameter file (not other JSON, not unread).
    pub templates: Vec<bool>,
    /// What a `--baseline` did, when one was given.
    pub baseline: Option<BaselineOutcome>,
    /// ARM templates not judged because they are compiled from a scanned Bicep file.
    pub skipped_compiled: usize,
    /// For each rule (by index), how many subjects (resources, outputs) it judged.
    pub judged: Vec<usize>,
}

/// A finding an inline suppression accepts.
#[derive(Debug, Clone)]
pub struct Suppressed {
    pub finding: Finding,
    pub fingerprint: String,
    /// The suppression's reason; `None` when it gives none (a warning says so).
    pub reason: Option<String>,
    /// Where the suppression is.
    pub directive: Origin,
}

/// The effect of a baseline: findings it knew are left out of the report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BaselineOutcome {
    /// Findings of this scan that the baseline records.
    pub matched: usize,
    /// Baseline entries no finding of this scan matches any more (fixed, or moved).
    pub gone: usize,
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
    /// A report of findings already made (reporter tests build these by hand): paths relative
    /// to the current folder, fingerprints computed.
    pub fn new(files: Vec<SourceFile>, rules: Vec<Rule>, findings: Vec<Finding>, errors: Vec<ScanError>) -> Self {
        let root = std::env::current_dir().unwrap_or_default();
        let paths = files.iter().map(|f| f.display.clone()).collect();
        let mut report = ScanReport {
            judged: vec![0; rules.len()],
            templates: vec![true; files.len()],
            files,
            paths,
            root,
            rules,
            findings,
            fingerprints: Vec::new(),
            suppressed: Vec::new(),
            errors,
            warnings: Vec::new(),
            baseline: None,
            skipped_compiled: 0,
        };
        report.fingerprints = crate::report::fingerprints(&report, &report.findings);
        report
    }

    pub fn file(&self, origin: Origin) -> &SourceFile {
        &self.files[origin.file.0 as usize]
    }

    /// The path of a file relative to the root (see `paths`).
    pub fn path(&self, origin: Origin) -> &str {
        &self.paths[origin.file.0 as usize]
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

    /// An error's path relative to the root, however it was given.
    pub fn error_path(&self, error: &ScanError) -> String {
        match error.origin {
            Some(origin) => self.path(origin).to_string(),
            None => relative_to(&self.root, Path::new(&error.path)),
        }
    }
}

/// How to scan.
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// Parameter values and files, roots, compiled templates.
    pub units: UnitOptions,
    /// Rules to run; the built-in set when empty.
    pub rules: Vec<Rule>,
    /// Worker threads; 0 lets rayon choose. More than the machine's cores is cut to them.
    pub threads: usize,
    /// Paths the walk leaves out.
    pub exclude: Excludes,
    /// The folder paths are relative to; the repository root when `None`.
    pub root: Option<PathBuf>,
    /// Rule ids or slugs to report (all when `None`), and those never to report.
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    /// Whether unknown findings are kept (`Ignore` drops them).
    pub unknown: UnknownPolicy,
    /// When not empty, report only what concerns these files (pre-commit's staged files):
    /// findings in them, or reached through them as a root, a module call or a trace step.
    pub focus: Vec<PathBuf>,
    /// A file's text given on standard input, under the path it stands for.
    pub stdin: Option<(PathBuf, String)>,
    /// Which parameter files go with which templates (the configuration's `[[params]]`).
    pub params: Vec<crate::config::ParamsMapping>,
    /// The configuration file the run uses, when files may have nearer ones of their own:
    /// a file's nearest configuration also decides which of its findings are reported.
    /// `None` with `--config`, which is for every file.
    pub config: Option<Option<PathBuf>>,
    /// The scan's date for date-dependent rules (`--today`); the system's date when `None`.
    pub today: Option<crate::rules::date::Date>,
    /// Read and parse every file and report its syntax errors, nothing more: no modules
    /// followed, no evaluation, no rules (`--parse-only`, the benchmark's parse floor).
    pub parse_only: bool,
}

/// The tool's own failures (exit code 2), as opposed to problems in the templates.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ToolError {
    #[error("cannot start worker threads: {0}")]
    Threads(String),
    #[error(transparent)]
    #[diagnostic(code(pgguard::rules))]
    Rules(#[from] crate::rules::RuleError),
    #[error(transparent)]
    #[diagnostic(code(pgguard::config))]
    Config(#[from] crate::config::ConfigError),
    #[error("cannot read {path}: {message}")]
    Read { path: String, message: String },
    #[error("cannot write {path}: {message}")]
    Output { path: String, message: String },
    #[error("{0}")]
    Usage(String),
}

/// Scans files and directories and returns the findings and errors.
pub fn scan(paths: &[PathBuf], options: ScanOptions) -> Result<ScanReport, ToolError> {
    let pool = thread_pool(options.threads)?;
    let mut options = options;
    if options.rules.is_empty() {
        options.rules = crate::rules::builtin()?;
    }
    // Unused suppressions are reported under a rule of their own, configurable like the others.
    if crate::config::find_rule(&options.rules, "PG001").is_none() {
        options.rules.push(crate::suppress::unused_rule());
    }
    pool.install(|| scan_in_pool(paths, options))
}

/// A worker pool of `threads` (0: one per core; more than the machine's cores is cut to them).
fn thread_pool(threads: usize) -> Result<rayon::ThreadPool, ToolError> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.min(cores))
        // Deeply nested templates recurse; give workers room beyond the 2 MiB default.
        .stack_size(16 * 1024 * 1024)
        .build()
        .map_err(|e| ToolError::Threads(e.to_string()))
}

fn scan_in_pool(paths: &[PathBuf], options: ScanOptions) -> Result<ScanReport, ToolError> {
    let rules = &options.rules;
    let judging = Judging {
        today: options.today.unwrap_or_else(crate::rules::date::Date::today),
        judged: rules.iter().map(|_| std::sync::atomic::AtomicUsize::new(0)).collect(),
        warnings: std::sync::Mutex::new(Vec::new()),
    };
    let stdin = options.stdin.as_ref().map(|(path, _)| path);
    let walked: Vec<PathBuf> = paths.iter().filter(|p| Some(*p) != stdin).cloned().collect();
    let (mut inputs, mut errors) = walk::collect(&walked, &options.exclude);
    inputs.extend(stdin.cloned());
    if options.parse_only {
        return Ok(parse_only(paths, &inputs, errors, &options));
    }
    let mut workspace = Workspace::default();
    let mut findings = Vec::new();
    let mut directives = Vec::new();
    let mut sink = load::Sink { errors: &mut errors, findings: &mut findings, directives: &mut directives };
    // Parameter files first: an ARM template is judged with them as soon as it is parsed.
    let (mut param_paths, templates): (Vec<PathBuf>, Vec<PathBuf>) =
        inputs.iter().cloned().partition(|p| units::is_param_file(p));
    for explicit in &options.units.param_files {
        if !param_paths.iter().any(|p| canonical(p) == canonical(explicit)) {
            param_paths.push(explicit.clone());
        }
    }
    // Bicep next: whether an ARM template is the compiled twin of one depends on its text.
    let (bicep, arm): (Vec<PathBuf>, Vec<PathBuf>) =
        templates.into_iter().partition(|p| p.extension().is_some_and(|e| e == "bicep"));
    let no_judge = |_, _: &SourceFile, _: &crate::syntax::arm::ArmDocument| Some((Vec::new(), Vec::new()));
    let stdin = options.stdin.as_ref();
    let relevance = relevance::Relevance::of(rules);
    let keep = load::keep_trees;
    let param_files = load::load_files(&mut workspace, &param_paths, &mut sink, &no_judge, &keep, stdin);
    // A template whose text names nothing the rules judge keeps only its outline: should a
    // deployment the rules judge reach it, it is parsed again before evaluation.
    let outline = |text: &str| !relevance.matters([relevance.marks(text)]);
    let bicep_files = load::load_files(&mut workspace, &bicep, &mut sink, &no_judge, &outline, stdin);
    // Parameter files are evaluated now: the templates they import from need their trees.
    let imported = imports_of(&workspace, &param_files);
    workspace.restore(&imported);
    let units = Units::new(&workspace, &param_files, &bicep_files, &options.units);
    // The files in the order they are numbered: parameter files, Bicep, then the rest.
    let order: Vec<PathBuf> = param_paths.iter().chain(&bicep).chain(&arm).cloned().collect();
    let linked = load::LinkedFiles::new(&order);
    let skipped = std::sync::atomic::AtomicUsize::new(0);
    let arm_roots: std::sync::Mutex<Vec<ArmRoot>> = Default::default();
    let judge_arm = |file, source: &SourceFile, doc: &crate::syntax::arm::ArmDocument| {
        // A template a scanned Bicep file calls as a module is judged through its callers.
        if units.is_bicep_module(&source.path) {
            return None;
        }
        if units.is_compiled_twin(&source.path, doc) {
            skipped.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            return Some((Vec::new(), Vec::new()));
        }
        let param_sets = units.param_sets(&source.path);
        // A template the rules can say nothing about is parsed (for its syntax errors), not
        // evaluated.
        let mut marks = relevance.marks(&source.text);
        marks.given_secrets(param_sets.iter().any(|p| p.file.is_some()));
        if !relevance.matters([marks]) {
            return Some((Vec::new(), Vec::new()));
        }
        let mut found = ArmRoot { file, reaches: Vec::new(), findings: Vec::new(), errors: Vec::new() };
        for params in param_sets {
            let deployment = eval::evaluate_arm(file, &source.display, doc, &params, &linked);
            let text = |f| (f == file).then_some(source.text.as_str());
            let display = |f| {
                if f == file { source.display.clone() } else { eval::LinkedTemplates::display(&linked, f) }
            };
            let (f, e) = judge(rules, &judging, &deployment, display, text);
            found.findings.extend(f);
            found.errors.extend(e);
            found.reaches.extend(deployment.files.iter().copied().filter(|f| *f != file));
        }
        // Kept until every ARM template is judged: whether another links to this one decides
        // whether its findings as a root count.
        if let Ok(mut roots) = arm_roots.lock() {
            roots.push(found);
        }
        Some((Vec::new(), Vec::new()))
    };
    let mut scanned = bicep_files;
    scanned.extend(load::load_files(&mut workspace, &arm, &mut sink, &judge_arm, &keep, stdin));
    let (found, failed) = linked_roots_out(arm_roots.into_inner().unwrap_or_default(), options.units.all_roots);
    sink.findings.extend(found);
    sink.errors.extend(failed);
    load::load_modules(&mut workspace, &mut sink, &mut registry::Registry::from_env());
    errors.extend(units.problems.iter().map(|(origin, message)| ScanError {
        path: workspace.file(origin.file).display.clone(),
        origin: Some(*origin),
        message: message.clone(),
    }));

    let roots = units.roots(&workspace, &scanned);
    let (runs, others, needed) = {
        // Bicep roots, and ARM templates kept as modules that are roots too (nobody reaches them,
        // they have parameter files of their own, or `--all-roots`).
        let evaluated = |f: crate::source::FileId| {
            matches!(
                workspace.parsed(f),
                crate::workspace::Parsed::Bicep(_)
                    | crate::workspace::Parsed::BicepOutline(_)
                    | crate::workspace::Parsed::ArmModule(_)
            )
        };
        // Which roots the rules can say something about, from the marks of the files they reach.
        let marks: Vec<relevance::Marks> = workspace.files.par_iter().map(|f| relevance.marks(&f.text)).collect();
        // Each file's module calls (local and from the Bicep cache), and whether it names a file
        // it cannot use: found once, not again for each root whose closure holds the file (a
        // chain of modules nobody evaluates tries every module as a root).
        let mut cached: HashMap<crate::source::FileId, Vec<crate::source::FileId>> = HashMap::new();
        for ((from, _), found) in &workspace.registry {
            if let Some(id) = found.as_ref().ok().and_then(|p| workspace.find(p)) {
                cached.entry(*from).or_default().push(id);
            }
        }
        let graph: Vec<(Vec<crate::source::FileId>, bool)> = (0..workspace.files.len() as u32)
            .into_par_iter()
            .map(|i| {
                let file = crate::source::FileId(i);
                let local = eval::module_paths(&workspace, file).into_iter().filter_map(|p| workspace.find(&p));
                let called = local.chain(cached.get(&file).into_iter().flatten().copied()).collect();
                (called, eval::has_broken_reference(&workspace, file))
            })
            .collect();
        // The files a root reaches through modules and imports, and the calls of each.
        let reach = |root: crate::source::FileId| {
            let mut closure = vec![root];
            let mut seen: std::collections::HashSet<crate::source::FileId> = closure.iter().copied().collect();
            let mut calls: Vec<Vec<crate::source::FileId>> = Vec::new();
            let mut next = 0;
            while next < closure.len() {
                let file = closure[next];
                next += 1;
                let called = graph[file.0 as usize].0.clone();
                for &id in &called {
                    if seen.insert(id) {
                        closure.push(id);
                    }
                }
                calls.push(called);
            }
            (closure, calls)
        };
        let matters = |root: crate::source::FileId, sets: &[eval::ParamSet]| {
            let (closure, calls) = reach(root);
            // A module cycle or a module the scan cannot read is an error to report whatever the
            // rules judge: the evaluator reports it at its line.
            if relevance::has_cycle(&closure, &calls) || closure.iter().any(|&f| graph[f.0 as usize].1) {
                return true;
            }
            let mut all: Vec<relevance::Marks> = closure.iter().map(|f| marks[f.0 as usize]).collect();
            // A parameter file may give a secret (a Key Vault reference, `getSecret()`).
            if let Some(first) = all.first_mut() {
                first.given_secrets(sets.iter().any(|p| p.file.is_some()));
            }
            relevance.matters(all)
        };
        let runs_of = |root: crate::source::FileId| {
            let sets = units.param_sets(&workspace.file(root).path);
            if matters(root, &sets) { sets.into_iter().map(|p| (root, p)).collect() } else { Vec::new() }
        };
        let runs: Vec<(crate::source::FileId, eval::ParamSet)> =
            roots.iter().filter(|&&root| evaluated(root)).flat_map(|&root| runs_of(root)).collect();
        // Every other scanned file's runs, for a module no evaluation reaches (judged on its own).
        let others: Vec<(crate::source::FileId, Vec<(crate::source::FileId, eval::ParamSet)>)> = scanned
            .iter()
            .filter(|f| !roots.contains(f) && evaluated(**f))
            .map(|&f| (f, runs_of(f)))
            .filter(|(_, runs)| !runs.is_empty())
            .collect();
        // The outlined templates these deployments may reach get their trees back.
        let mut needed: Vec<crate::source::FileId> =
            runs.iter().chain(others.iter().flat_map(|(_, r)| r)).flat_map(|(root, _)| reach(*root).0).collect();
        needed.sort_unstable();
        needed.dedup();
        (runs, others, needed)
    };
    workspace.restore(&needed);
    let evaluate = |runs: &[(crate::source::FileId, eval::ParamSet)]| -> Vec<_> {
        runs.par_iter()
            .filter_map(|(root, params)| {
                let deployment = match workspace.parsed(*root) {
                    crate::workspace::Parsed::ArmModule(doc) => {
                        eval::evaluate_arm(*root, &workspace.file(*root).display, doc, params, &linked)
                    }
                    _ => eval::evaluate_bicep(&workspace, *root, params)?,
                };
                let found = judge(
                    rules,
                    &judging,
                    &deployment,
                    |file| workspace.file(file).display.clone(),
                    |file| Some(workspace.file(file).text.as_str()),
                );
                Some((found, deployment.files))
            })
            .collect()
    };
    let mut results = evaluate(&runs);
    // A module no evaluation reached (its only calls are under false conditions) is judged on
    // its own: nothing else would judge it.
    let reached: std::collections::HashSet<crate::source::FileId> =
        results.iter().flat_map(|(_, files)| files.iter().copied()).collect();
    let unreached: Vec<(crate::source::FileId, eval::ParamSet)> =
        others.into_iter().filter(|(f, _)| !reached.contains(f)).flat_map(|(_, runs)| runs).collect();
    results.extend(evaluate(&unreached));
    let results: Vec<(Vec<Finding>, Vec<ScanError>)> = results.into_iter().map(|(found, _)| found).collect();
    for (f, e) in results {
        findings.extend(f);
        errors.extend(e);
    }
    // Findings in a linked template judged through the template that deploys it point into
    // a file whose text was dropped after judging.
    let pointed = findings.iter().flat_map(|f| std::iter::once(f.location).chain(f.trace.iter().map(|s| s.origin)));
    let pointed: Vec<_> = pointed.map(|o| o.file).collect();
    load::restore_texts(&mut workspace, pointed);
    let findings = deduplicate(findings);
    let outcome = suppressions::apply(findings, &directives, &workspace, rules, &options);
    let mut findings = outcome.findings;
    let mut suppressed = outcome.suppressed;
    let mut warnings = outcome.warnings;
    warnings.extend(std::mem::take(&mut *judging.warnings.lock().unwrap_or_else(std::sync::PoisonError::into_inner)));
    if !options.focus.is_empty() {
        let focus = suppressions::Focus::new(&workspace, &options.focus, &options.params);
        findings.retain(|f| focus.concerns(f));
        suppressed.retain(|(f, _)| focus.concerns(f));
        errors.retain(|e| focus.concerns_error(e));
        warnings.retain(|e| focus.concerns_error(e));
    }
    sort_findings(&mut findings, &workspace.files, rules);
    suppressed.sort_by_cached_key(|(f, _)| finding_key(f, &workspace.files, rules));
    for list in [&mut errors, &mut warnings] {
        list.sort_by(|a, b| {
            (&a.path, a.origin.map(|o| o.span), &a.message).cmp(&(&b.path, b.origin.map(|o| o.span), &b.message))
        });
        list.dedup();
    }
    let root = report_root(paths, &options);
    let templates = workspace.parsed.iter().map(|p| !matches!(p, crate::workspace::Parsed::None)).collect();
    // A registry module in the home folder's Bicep cache is `~/.bicep/…` on every machine.
    let paths = workspace
        .files
        .iter()
        .map(|f| if f.display.starts_with("~/") { f.display.clone() } else { relative_to(&root, &f.path) })
        .collect();
    let mut report = ScanReport {
        files: workspace.files,
        paths,
        root,
        rules: options.rules.clone(),
        findings: Vec::new(),
        fingerprints: Vec::new(),
        suppressed: Vec::new(),
        errors,
        warnings,
        templates,
        baseline: None,
        skipped_compiled: skipped.load(std::sync::atomic::Ordering::Relaxed),
        judged: judging.judged.iter().map(|c| c.load(std::sync::atomic::Ordering::Relaxed)).collect(),
    };
    // Fingerprints number identical findings in file order, reported and suppressed alike, so
    // that suppressing one of two copies does not renumber the other.
    let mut all: Vec<(usize, &Finding)> =
        findings.iter().chain(suppressed.iter().map(|(f, _)| f)).enumerate().collect();
    all.sort_by_cached_key(|(i, f)| (finding_key(f, &report.files, &report.rules), *i));
    let ordered: Vec<Finding> = all.iter().map(|(_, f)| (*f).clone()).collect();
    let mut prints = vec![String::new(); ordered.len()];
    for ((i, _), print) in all.iter().zip(crate::report::fingerprints(&report, &ordered)) {
        prints[*i] = print;
    }
    let suppressed_prints = prints.split_off(findings.len());
    report.fingerprints = prints;
    report.findings = findings;
    report.suppressed = suppressed
        .into_iter()
        .zip(suppressed_prints)
        .map(|((finding, (reason, directive)), fingerprint)| Suppressed { finding, fingerprint, reason, directive })
        .collect();
    Ok(report)
}

/// `--parse-only`: every file read and parsed (in parallel), its syntax errors reported, its
/// tree dropped; no findings.
fn parse_only(paths: &[PathBuf], inputs: &[PathBuf], mut errors: Vec<ScanError>, options: &ScanOptions) -> ScanReport {
    let mut workspace = Workspace::default();
    let (mut findings, mut directives) = (Vec::new(), Vec::new());
    let mut sink = load::Sink { errors: &mut errors, findings: &mut findings, directives: &mut directives };
    let drop_tree = |_, _: &SourceFile, _: &crate::syntax::arm::ArmDocument| Some((Vec::new(), Vec::new()));
    // Nothing is evaluated: no tree is kept.
    load::load_files(&mut workspace, inputs, &mut sink, &drop_tree, &|_| true, options.stdin.as_ref());
    errors.sort_by(|a, b| {
        (&a.path, a.origin.map(|o| o.span), &a.message).cmp(&(&b.path, b.origin.map(|o| o.span), &b.message))
    });
    errors.dedup();
    let root = report_root(paths, options);
    let templates = workspace.parsed.iter().map(|p| !matches!(p, crate::workspace::Parsed::None)).collect();
    let shown = workspace.files.iter().map(|f| relative_to(&root, &f.path)).collect();
    ScanReport {
        files: workspace.files,
        paths: shown,
        root,
        judged: vec![0; options.rules.len()],
        rules: options.rules.clone(),
        findings: Vec::new(),
        fingerprints: Vec::new(),
        suppressed: Vec::new(),
        errors,
        warnings: Vec::new(),
        templates,
        baseline: None,
        skipped_compiled: 0,
    }
}

/// `--root`, or the repository root of the first path, or the current folder.
fn report_root(paths: &[PathBuf], options: &ScanOptions) -> PathBuf {
    match &options.root {
        Some(root) => crate::workspace::canonical(root),
        None => paths
            .first()
            .and_then(|p| crate::config::repository_root(p))
            .unwrap_or_else(|| std::env::current_dir().unwrap_or_default()),
    }
}

/// `path` relative to `root` with `/` separators; absolute when it is not under `root`.
pub fn relative_to(root: &Path, path: &Path) -> String {
    let absolute = crate::workspace::canonical(path);
    let shown = absolute.strip_prefix(root).map(Path::to_path_buf).unwrap_or(absolute);
    let shown = crate::source::slashed(&shown);
    if shown.is_empty() { ".".to_string() } else { shown }
}

/// Runs the rules over a deployment; its evaluation problems become errors. `judged` counts
/// the subjects each rule judged.
fn judge<'t>(
    rules: &[Rule],
    context: &Judging,
    deployment: &crate::model::Deployment,
    display: impl Fn(crate::source::FileId) -> String,
    text: impl Fn(crate::source::FileId) -> Option<&'t str>,
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
    if !deployment.warnings.is_empty() {
        let warnings = deployment.warnings.iter().map(|(origin, message)| ScanError {
            path: display(origin.file),
            origin: Some(*origin),
            message: message.clone(),
        });
        context.warnings.lock().unwrap_or_else(std::sync::PoisonError::into_inner).extend(warnings);
    }
    let judged = crate::rules::run(rules, deployment, context.today);
    for (count, add) in context.judged.iter().zip(judged.subjects) {
        count.fetch_add(add, std::sync::atomic::Ordering::Relaxed);
    }
    let mut findings = judged.findings;
    names::readable(&mut findings, deployment, text);
    (findings, problems)
}

/// What every judgement of a scan shares: the date, and the count of subjects per rule.
struct Judging {
    today: crate::rules::date::Date,
    judged: Vec<std::sync::atomic::AtomicUsize>,
    /// The evaluations' warnings (sorted and deduplicated with the others at the end).
    warnings: std::sync::Mutex<Vec<ScanError>>,
}

/// An ARM template judged as a root: what it found, and the templates its deployments link to.
struct ArmRoot {
    file: crate::source::FileId,
    reaches: Vec<crate::source::FileId>,
    findings: Vec<Finding>,
    errors: Vec<ScanError>,
}

/// The findings of the ARM roots that count: a template another scanned template links to
/// (`templateLink.relativePath`) is judged through it, with the parameters it passes, unless
/// `--all-roots`; templates that only link to each other (a cycle) are judged on their own,
/// since nothing else reaches them.
fn linked_roots_out(mut roots: Vec<ArmRoot>, all_roots: bool) -> (Vec<Finding>, Vec<ScanError>) {
    roots.sort_by_key(|r| r.file);
    let linked: std::collections::HashSet<_> = roots.iter().flat_map(|r| r.reaches.iter().copied()).collect();
    let kept = |r: &ArmRoot| all_roots || !linked.contains(&r.file);
    let reached: std::collections::HashSet<_> =
        roots.iter().filter(|r| kept(r)).flat_map(|r| r.reaches.iter().copied()).collect();
    let (mut findings, mut errors) = (Vec::new(), Vec::new());
    for root in roots {
        if kept(&root) || !reached.contains(&root.file) {
            findings.extend(root.findings);
            errors.extend(root.errors);
        }
    }
    (findings, errors)
}

/// The files `files` import from, and those import from, and so on.
fn imports_of(workspace: &Workspace, files: &[crate::source::FileId]) -> Vec<crate::source::FileId> {
    let mut reached: Vec<crate::source::FileId> = files.to_vec();
    let mut next = 0;
    while next < reached.len() {
        for path in eval::module_paths(workspace, reached[next]) {
            if let Some(id) = workspace.find(&path)
                && !reached.contains(&id)
            {
                reached.push(id);
            }
        }
        next += 1;
    }
    reached.split_off(files.len())
}

/// What decides which of several identical findings is kept: everything but the contexts.
fn representative_key(f: &Finding) -> (&str, &str, &str, String) {
    (&f.message, &f.resource_name, &f.resource_type, format!("{:?}", f.trace))
}

/// One finding per rule, location and verdict, naming every instance it came from.
fn deduplicate(findings: Vec<Finding>) -> Vec<Finding> {
    let mut merged: HashMap<(usize, Origin, crate::rules::Verdict), Finding> = HashMap::new();
    for finding in findings {
        let key = (finding.rule, finding.location, finding.verdict);
        match merged.get_mut(&key) {
            Some(existing) => {
                // Keep the same representative whatever order the threads finished in; the
                // contexts gathered so far stay where they are (moving them for each of
                // thousands of loop elements was quadratic).
                let mut finding = finding;
                if representative_key(&finding) < representative_key(existing) {
                    let gathered = std::mem::take(&mut existing.contexts);
                    let added = std::mem::replace(&mut finding.contexts, gathered);
                    *existing = finding;
                    existing.contexts.extend(added);
                } else {
                    existing.contexts.append(&mut finding.contexts);
                }
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
    out
}

type FindingKey = (String, crate::span::Span, String, usize, crate::rules::Verdict, String);

fn finding_key(f: &Finding, files: &[SourceFile], rules: &[Rule]) -> FindingKey {
    (
        files[f.location.file.0 as usize].display.clone(),
        f.location.span,
        rules[f.rule].id.clone(),
        f.rule,
        f.verdict,
        f.message.clone(),
    )
}

/// Sorted by file, position and rule.
fn sort_findings(findings: &mut [Finding], files: &[SourceFile], rules: &[Rule]) {
    findings.sort_by_cached_key(|f| finding_key(f, files, rules));
}
