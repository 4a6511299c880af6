//! The evaluated model without the rules (`pgguard model`, snapshot tests): files are walked and
//! loaded as the scan does, every root evaluated and rendered. Files are named relative to the
//! folder given (a file given by itself, by its name), so the output is the same wherever it runs.

use crate::eval;
use crate::model::{self, Deployment};
use crate::scan::{ToolError, load, thread_pool, walk};
use crate::source::SourceFile;
use crate::workspace::{Workspace, canonical};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Every root template under `paths` evaluated, sorted by file, with the file table their
/// origins index and the errors of files that could not be read or parsed.
pub struct Evaluated {
    pub deployments: Vec<Deployment>,
    pub files: Vec<SourceFile>,
    pub errors: Vec<crate::scan::ScanError>,
}

/// Renders the evaluated deployment of every root template under `paths`, sorted by file,
/// then the errors of files that could not be read or parsed.
pub fn evaluate_model(paths: &[PathBuf]) -> Result<String, ToolError> {
    let Evaluated { deployments, files, errors } = evaluate(paths)?;
    let mut out: Vec<String> = deployments.iter().map(|d| model::render(d, &files)).collect();
    for error in errors {
        let at = match error.origin {
            Some(origin) => {
                let file = &files[origin.file.0 as usize];
                let pos = file.line_col(origin.span.start);
                format!("{}:{}:{}", file.display, pos.line, pos.column)
            }
            None => error.path.clone(),
        };
        out.push(format!("error: {} @{at}\n", error.message));
    }
    Ok(out.join("\n"))
}

/// Evaluates every root template under `paths` without judging it.
pub fn evaluate(paths: &[PathBuf]) -> Result<Evaluated, ToolError> {
    thread_pool(0)?.install(|| evaluate_in_pool(paths))
}

fn evaluate_in_pool(paths: &[PathBuf]) -> Result<Evaluated, ToolError> {
    let (inputs, mut errors) = walk::collect(paths, &crate::config::Excludes::new());
    let bases: Vec<PathBuf> =
        paths.iter().map(|p| canonical(if p.is_dir() { p } else { p.parent().unwrap_or(Path::new("")) })).collect();
    let name = |path: &Path| relative_name(&bases, path);
    // Bicep first: an ARM template a Bicep file calls as a module is kept for it.
    let (bicep, other): (Vec<PathBuf>, Vec<PathBuf>) =
        inputs.into_iter().partition(|p| p.extension().is_some_and(|e| e == "bicep"));
    let inputs: Vec<PathBuf> = bicep.iter().chain(&other).cloned().collect();
    let arm = Mutex::new(Vec::new());
    let linked = load::LinkedFiles::new(&inputs);
    let called = Mutex::new(std::collections::HashSet::new());
    let evaluate_arm = |file, source: &SourceFile, doc: &crate::syntax::arm::ArmDocument| {
        if called.lock().is_ok_and(|c| c.contains(&canonical(&source.path))) {
            return None;
        }
        let display = name(&source.path);
        let deployment = eval::evaluate_arm(file, &display, doc, &eval::ParamSet::default(), &linked);
        // The load drops a clean template's text; keep it to show positions.
        let kept = SourceFile::new(source.path.clone(), display, source.text.clone());
        if let Ok(mut arm) = arm.lock() {
            arm.push((deployment, kept));
        }
        Some((Vec::new(), Vec::new()))
    };
    let mut workspace = Workspace::default();
    let mut findings = Vec::new();
    let mut directives = Vec::new();
    let mut sink = load::Sink { errors: &mut errors, findings: &mut findings, directives: &mut directives };
    let mut roots = load::load_files(&mut workspace, &bicep, &mut sink, &evaluate_arm, &load::keep_trees, None);
    if let Ok(mut called) = called.lock() {
        called.extend(roots.iter().flat_map(|&f| eval::module_calls(&workspace, f)).map(|p| canonical(&p)));
    }
    roots.extend(load::load_files(&mut workspace, &other, &mut sink, &evaluate_arm, &load::keep_trees, None));
    load::load_modules(&mut workspace, &mut sink, &mut super::registry::Registry::from_env());
    let mut deployments: Vec<Deployment> = Vec::new();
    for (deployment, source) in arm.into_inner().unwrap_or_default() {
        workspace.files[deployment.root.0 as usize] = source;
        deployments.push(deployment);
    }
    // Linked templates evaluated through the template that deploys them point into files
    // whose text was dropped.
    let pointed: Vec<_> = deployments.iter().flat_map(|d| d.resources.iter().map(|r| r.declaration.file)).collect();
    load::restore_texts(&mut workspace, pointed);
    for file in &mut workspace.files {
        file.display = name(&file.path);
    }
    deployments.extend(
        roots
            .par_iter()
            .filter_map(|root| eval::evaluate_bicep(&workspace, *root, &eval::ParamSet::default()))
            .collect::<Vec<_>>(),
    );
    deployments.sort_by(|a, b| workspace.file(a.root).display.cmp(&workspace.file(b.root).display));

    errors.sort_by(|a, b| (&a.path, a.origin.map(|o| o.span)).cmp(&(&b.path, b.origin.map(|o| o.span))));
    for error in &mut errors {
        if error.origin.is_none() {
            error.path = name(Path::new(&error.path));
        }
    }
    Ok(Evaluated { deployments, files: workspace.files, errors })
}

/// The path relative to the first given folder that holds it, else the file name alone.
fn relative_name(bases: &[PathBuf], path: &Path) -> String {
    let path = canonical(path);
    let relative = bases.iter().find_map(|base| path.strip_prefix(base).ok());
    let shown = match relative {
        Some(rel) if !rel.as_os_str().is_empty() => rel.to_path_buf(),
        _ => PathBuf::from(path.file_name().unwrap_or_default()),
    };
    crate::source::slashed(&shown)
}
