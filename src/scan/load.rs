//! Reading and parsing: each file read once and parsed once, in parallel. A file that cannot
//! be read (binary, not UTF-8, too large) or parsed gives an error naming the file and
//! position; the scan goes on without it.

use crate::scan::ScanError;
use crate::source::{FileId, Language, Origin, SourceFile};
use crate::span::Span;
use crate::syntax::{arm, bicep};
use crate::workspace::{Parsed, Workspace, canonical};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Files larger than this are reported, not read: no real template comes close.
pub const MAX_FILE_SIZE: u64 = 32 * 1024 * 1024;

struct Loaded {
    file: Option<(SourceFile, Parsed)>,
    errors: Vec<ScanError>,
}

/// Loads the files to scan; returns their ids (the roots of evaluation).
pub fn load_all(workspace: &mut Workspace, paths: &[PathBuf], errors: &mut Vec<ScanError>) -> Vec<FileId> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let loaded: Vec<Loaded> = paths.par_iter().map(|p| load(p, &cwd)).collect();
    add_loaded(workspace, loaded, errors)
}

/// Loads the local modules that the loaded Bicep files call and that are not loaded yet,
/// wave after wave, so evaluation finds every module in the workspace.
pub fn load_modules(workspace: &mut Workspace, errors: &mut Vec<ScanError>) {
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut checked = 0;
    loop {
        let mut wanted: Vec<PathBuf> = (checked..workspace.files.len())
            .flat_map(|i| crate::eval::module_paths(workspace, FileId(i as u32)))
            .filter(|p| workspace.find(p).is_none() && p.is_file())
            .collect();
        checked = workspace.files.len();
        wanted.sort_by_key(|p| canonical(p));
        wanted.dedup_by_key(|p| canonical(p));
        if wanted.is_empty() {
            return;
        }
        let loaded: Vec<Loaded> = wanted.par_iter().map(|p| load(p, &cwd)).collect();
        add_loaded(workspace, loaded, errors);
    }
}

fn add_loaded(workspace: &mut Workspace, loaded: Vec<Loaded>, errors: &mut Vec<ScanError>) -> Vec<FileId> {
    let mut ids = Vec::new();
    for item in loaded {
        let id = FileId(workspace.files.len() as u32);
        for mut e in item.errors {
            if let Some(origin) = &mut e.origin {
                origin.file = id;
            }
            errors.push(e);
        }
        if let Some((source, parsed)) = item.file {
            ids.push(workspace.add(source, parsed));
        }
    }
    ids
}

/// Reads and parses one file. Error origins use a placeholder file id that `add_loaded` fixes.
fn load(path: &Path, cwd: &Path) -> Loaded {
    let display = display_path(path, cwd);
    let error = |message: String| Loaded {
        file: None,
        errors: vec![ScanError { path: display.clone(), origin: None, message }],
    };
    let Some(language) = Language::of(path) else {
        return error("not a Bicep, Bicep parameters or ARM JSON file".into());
    };
    match std::fs::metadata(path) {
        Ok(meta) if meta.len() > MAX_FILE_SIZE => {
            return error(format!(
                "the file is {} bytes, more than the {} bytes pgguard reads",
                meta.len(),
                MAX_FILE_SIZE
            ));
        }
        Ok(_) => {}
        Err(e) => return error(format!("cannot read the file: {e}")),
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return error(format!("cannot read the file: {e}")),
    };
    if let Some(at) = bytes.iter().position(|b| *b == 0) {
        return error(format!("a binary file (a NUL byte at offset {at}), not a template"));
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let line = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
            return error(format!("not valid UTF-8 (at byte {at}, line {line})"));
        }
    };
    let placeholder = FileId(u32::MAX);
    let mut errors = Vec::new();
    let parsed = match language {
        Language::Bicep | Language::BicepParams => {
            let mode = if language == Language::Bicep { bicep::Mode::Template } else { bicep::Mode::Params };
            let parsed = bicep::parse(&text, mode);
            errors.extend(parsed.errors.iter().map(|e| syntax_error(&display, placeholder, e.span, &e.message)));
            if language == Language::Bicep { Parsed::Bicep(parsed) } else { Parsed::BicepParams(parsed) }
        }
        Language::Json => match arm::parse(&text) {
            Ok(doc) if doc.kind == arm::ArmKind::Other => return Loaded { file: None, errors },
            Ok(doc) => Parsed::Arm(doc),
            Err(e) => {
                // A JSON file that is not valid JSON may not be a template at all; report it
                // only when it claims to be one.
                if !text.contains("schema.management.azure.com") {
                    return Loaded { file: None, errors };
                }
                errors.push(syntax_error(&display, placeholder, e.span, &e.message));
                Parsed::None
            }
        },
    };
    Loaded { file: Some((SourceFile::new(path.to_path_buf(), display, text), parsed)), errors }
}

fn syntax_error(display: &str, file: FileId, span: Span, message: &str) -> ScanError {
    ScanError { path: display.to_string(), origin: Some(Origin::new(file, span)), message: message.to_string() }
}

/// Relative to the current directory when under it, with `/` separators.
fn display_path(path: &Path, cwd: &Path) -> String {
    let absolute = if path.is_absolute() { path.to_path_buf() } else { cwd.join(path) };
    let shown = absolute.strip_prefix(cwd).map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf());
    let shown = shown.to_string_lossy().replace('\\', "/");
    shown.strip_prefix("./").map(str::to_string).unwrap_or(shown)
}
