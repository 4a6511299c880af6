//! Reading and parsing: each file read once and parsed once, in parallel. A file that cannot
//! be read (binary, not UTF-8, too large) or parsed gives an error naming the file and
//! position; the scan goes on without it. ARM templates need no other file, so they are
//! judged as soon as they are parsed and their trees dropped: the scan's memory stays small.

use crate::rules::Finding;
use crate::scan::ScanError;
use crate::source::{FileId, Language, Origin, SourceFile};
use crate::span::Span;
use crate::suppress::{self, Directive};
use crate::syntax::{arm, bicep};
use crate::workspace::{Parsed, Workspace, canonical};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Files larger than this are reported, not read: no real template comes close.
pub const MAX_FILE_SIZE: u64 = 32 * 1024 * 1024;

/// A file reports at most this many syntax errors, then how many more it has: past the first
/// few, errors follow from the first, and a file that is not Bicep at all would give one per
/// line (each shown with its excerpt).
pub const MAX_SYNTAX_ERRORS: usize = 100;

/// What loading gives for one file: the file (always, so ids stay in order), its syntax
/// errors, its inline suppressions, and for a self-contained ARM template the findings of its
/// rules.
struct Loaded {
    source: SourceFile,
    parsed: Parsed,
    errors: Vec<ScanError>,
    findings: Vec<Finding>,
    directives: Vec<Directive>,
}

/// Where loading puts what it finds besides the files.
pub struct Sink<'a> {
    pub errors: &'a mut Vec<ScanError>,
    pub findings: &'a mut Vec<Finding>,
    pub directives: &'a mut Vec<Directive>,
}

/// A file's text given on standard input, under the path it stands for.
type Stdin = (PathBuf, String);

/// Judges an ARM template as soon as it is parsed, so that its tree need not be kept; `None`
/// keeps the tree instead, for a template a Bicep file calls as a module.
pub type JudgeArm<'a> =
    dyn Fn(FileId, &SourceFile, &arm::ArmDocument) -> Option<(Vec<Finding>, Vec<ScanError>)> + Sync + 'a;

/// Whether a Bicep template with this text is kept as an outline, its tree dropped
/// (`Parsed::BicepOutline`).
pub type OutlineBicep<'a> = dyn Fn(&str) -> bool + Sync + 'a;

/// Keeps every tree.
pub fn keep_trees(_: &str) -> bool {
    false
}

/// Loads the modules that the loaded Bicep files call and that are not loaded yet, wave after
/// wave, so evaluation finds every module in the workspace: local files, and registry modules
/// found in the local Bicep module cache (`registry`). ARM templates loaded here are modules,
/// kept for the Bicep files that call them.
pub fn load_modules(workspace: &mut Workspace, sink: &mut Sink<'_>, registry: &mut super::registry::Registry) {
    let keep = |_, _: &SourceFile, _: &arm::ArmDocument| None;
    let mut checked = 0;
    loop {
        let mut wanted: Vec<PathBuf> = Vec::new();
        let mut cached: Vec<PathBuf> = Vec::new();
        for i in checked..workspace.files.len() {
            let file = FileId(i as u32);
            wanted.extend(crate::eval::module_paths(workspace, file));
            for reference in crate::eval::registry_calls(workspace, file) {
                let found = registry.resolve(&workspace.file(file).path, &reference);
                if let Ok(path) = &found {
                    wanted.push(path.clone());
                    cached.push(path.clone());
                }
                workspace.registry.insert((file, reference), found);
            }
        }
        wanted.retain(|p| workspace.find(p).is_none() && p.is_file());
        checked = workspace.files.len();
        wanted.sort_by_key(|p| canonical(p));
        wanted.dedup_by_key(|p| canonical(p));
        if wanted.is_empty() {
            return;
        }
        for file in load_files(workspace, &wanted, sink, &keep, &keep_trees, None) {
            let source = &mut workspace.files[file.0 as usize];
            if cached.contains(&source.path)
                && let Some(display) = registry.display(&source.path)
            {
                source.display = display;
            }
        }
    }
}

/// Loads files in parallel, in order after those already loaded; returns their ids.
pub fn load_files(
    workspace: &mut Workspace,
    paths: &[PathBuf],
    sink: &mut Sink<'_>,
    judge: &JudgeArm<'_>,
    outline: &OutlineBicep<'_>,
    stdin: Option<&Stdin>,
) -> Vec<FileId> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let base = workspace.files.len();
    let loaded: Vec<Loaded> = paths
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let given = stdin.filter(|(name, _)| name == p).map(|(_, text)| text.as_str());
            load(p, FileId((base + i) as u32), &cwd, judge, outline, given)
        })
        .collect();
    loaded
        .into_iter()
        .map(|item| {
            sink.errors.extend(item.errors);
            sink.findings.extend(item.findings);
            sink.directives.extend(item.directives);
            workspace.add(item.source, item.parsed)
        })
        .collect()
}

/// Reads and parses one file as file `id` (`given`: its text came on standard input).
fn load(
    path: &Path,
    id: FileId,
    cwd: &Path,
    judge: &JudgeArm<'_>,
    outline: &OutlineBicep<'_>,
    given: Option<&str>,
) -> Loaded {
    let display = display_path(path, cwd);
    // A file that is not read keeps its place in the file table, without text.
    let empty = |errors: Vec<ScanError>| Loaded {
        source: SourceFile::new(path.to_path_buf(), display.clone(), String::new()),
        parsed: Parsed::None,
        errors,
        findings: Vec::new(),
        directives: Vec::new(),
    };
    let error = |message: String| empty(vec![ScanError { path: display.clone(), origin: None, message }]);
    let Some(language) = Language::of(path) else {
        return error("not a Bicep, Bicep parameters or ARM JSON file".into());
    };
    let size = match given {
        Some(text) => Ok(text.len() as u64),
        None => std::fs::metadata(path).map(|m| m.len()),
    };
    match size {
        Ok(len) if len > MAX_FILE_SIZE => {
            return error(format!("the file is {len} bytes, more than the {MAX_FILE_SIZE} bytes pgguard reads"));
        }
        Ok(_) => {}
        Err(e) => return error(format!("cannot read the file: {e}")),
    }
    let read = match given {
        Some(text) => Ok(text.as_bytes().to_vec()),
        None => std::fs::read(path),
    };
    let bytes = match read {
        Ok(b) => b,
        Err(e) => return error(format!("cannot read the file: {e}")),
    };
    if is_utf16(&bytes) {
        return error("UTF-16 is not supported; save the file as UTF-8".into());
    }
    if let Some(at) = bytes.iter().position(|b| *b == 0) {
        return error(format!("a binary file (a NUL byte at offset {at}), not a template"));
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            // Keep the text with the bad bytes replaced, so the error can show where it is:
            // nothing before the first bad byte moves.
            let at = e.utf8_error().valid_up_to() as u32;
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            return Loaded {
                source: SourceFile::new(path.to_path_buf(), display.clone(), text),
                parsed: Parsed::None,
                errors: vec![syntax_error(&display, id, Span::new(at, at + 1), "not valid UTF-8")],
                findings: Vec::new(),
                directives: Vec::new(),
            };
        }
    };
    let mut errors = Vec::new();
    let findings = Vec::new();
    let mut directives = Vec::new();
    let parsed = match language {
        Language::Bicep | Language::BicepParams => {
            let mode = if language == Language::Bicep { bicep::Mode::Template } else { bicep::Mode::Params };
            let parsed = bicep::parse(&text, mode);
            let shown = parsed.errors.iter().take(MAX_SYNTAX_ERRORS);
            errors.extend(shown.map(|e| syntax_error(&display, id, e.span, &e.message)));
            if let Some(next) = parsed.errors.get(MAX_SYNTAX_ERRORS) {
                let more = parsed.errors.len() - MAX_SYNTAX_ERRORS;
                let message = format!("{more} more syntax errors from here on are not shown");
                errors.push(syntax_error(&display, id, next.span, &message));
            }
            directives = suppress::bicep(id, &text, &parsed);
            match language {
                Language::Bicep if outline(&text) => Parsed::BicepOutline(crate::eval::outline(&parsed)),
                Language::Bicep => Parsed::Bicep(parsed),
                _ => Parsed::BicepParams(parsed),
            }
        }
        Language::Json => match arm::parse(&text) {
            Ok(doc) if doc.kind == arm::ArmKind::Other => return empty(errors),
            Ok(doc) if doc.kind == arm::ArmKind::Template => {
                let source = SourceFile::new(path.to_path_buf(), display, text);
                directives = suppress::arm(id, &source.text, &doc);
                let Some((found, problems)) = judge(id, &source, &doc) else {
                    let parsed = Parsed::ArmModule(std::sync::Arc::new(doc));
                    return Loaded { source, parsed, errors, findings, directives };
                };
                // Only reporters read a template's text again, and only where something is
                // reported: a clean template's text is not kept.
                if found.is_empty() && problems.is_empty() && errors.is_empty() && directives.is_empty() {
                    return Loaded {
                        source: SourceFile::new(source.path, source.display, String::new()),
                        parsed: Parsed::ArmJudged,
                        errors,
                        findings,
                        directives,
                    };
                }
                errors.extend(problems);
                return Loaded { source, parsed: Parsed::ArmJudged, errors, findings: found, directives };
            }
            Ok(doc) => {
                directives = suppress::arm(id, &text, &doc);
                Parsed::Arm(doc)
            }
            Err(e) => {
                // A JSON file that is not valid JSON may not be a template at all; report it
                // only when it claims to be one.
                if !text.contains("schema.management.azure.com") {
                    return empty(errors);
                }
                errors.push(syntax_error(&display, id, e.span, &e.message));
                Parsed::None
            }
        },
    };
    Loaded { source: SourceFile::new(path.to_path_buf(), display, text), parsed, errors, findings, directives }
}

fn syntax_error(display: &str, file: FileId, span: Span, message: &str) -> ScanError {
    ScanError { path: display.to_string(), origin: Some(Origin::new(file, span)), message: message.to_string() }
}

/// Relative to the current directory when under it, with `/` separators.
fn display_path(path: &Path, cwd: &Path) -> String {
    let absolute = if path.is_absolute() { path.to_path_buf() } else { cwd.join(path) };
    let shown = absolute.strip_prefix(cwd).map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf());
    let shown = crate::source::slashed(&shown);
    let shown = shown.strip_prefix("./").map(str::to_string).unwrap_or(shown);
    // The current folder itself (`--stdin-filename .`) is `.`, not nothing.
    if shown.is_empty() || shown == "." { ".".to_string() } else { shown }
}

/// The scanned files that ARM linked deployments may name: the inputs of the first load,
/// whose file ids are their positions. A linked template is read and parsed again when a
/// deployment first names it (ARM trees are not kept after judging), then kept for the scan.
pub struct LinkedFiles {
    paths: Vec<PathBuf>,
    displays: Vec<String>,
    parsed: std::sync::Mutex<std::collections::HashMap<usize, Option<std::sync::Arc<arm::ArmDocument>>>>,
}

impl LinkedFiles {
    /// `inputs` as the first `load_files` numbers them.
    pub fn new(inputs: &[PathBuf]) -> Self {
        let cwd = std::env::current_dir().unwrap_or_default();
        LinkedFiles {
            paths: inputs.iter().map(|p| canonical(p)).collect(),
            displays: inputs.iter().map(|p| display_path(p, &cwd)).collect(),
            parsed: Default::default(),
        }
    }

    fn read(&self, index: usize) -> Option<std::sync::Arc<arm::ArmDocument>> {
        if let Ok(cache) = self.parsed.lock()
            && let Some(found) = cache.get(&index)
        {
            return found.clone();
        }
        let path = &self.paths[index];
        let doc = std::fs::metadata(path)
            .ok()
            .filter(|m| m.len() <= MAX_FILE_SIZE)
            .and_then(|_| std::fs::read_to_string(path).ok())
            .and_then(|text| arm::parse(&text).ok())
            .filter(|doc| doc.kind == arm::ArmKind::Template)
            .map(std::sync::Arc::new);
        if let Ok(mut cache) = self.parsed.lock() {
            cache.insert(index, doc.clone());
        }
        doc
    }
}

impl crate::eval::LinkedTemplates for LinkedFiles {
    fn linked(&self, from: FileId, relative: &str) -> Option<(FileId, std::sync::Arc<arm::ArmDocument>)> {
        if relative.is_empty() || relative.starts_with('/') || relative.contains(['\\', ':', '%']) {
            return None;
        }
        let mut path = self.paths.get(from.0 as usize)?.parent()?.to_path_buf();
        for segment in relative.split('/') {
            match segment {
                "" | "." => {}
                ".." => {
                    path.pop();
                }
                s => path.push(s),
            }
        }
        let index = self.paths.iter().position(|p| *p == path)?;
        Some((FileId(index as u32), self.read(index)?))
    }

    fn display(&self, file: FileId) -> String {
        self.displays.get(file.0 as usize).cloned().unwrap_or_default()
    }
}

/// Reads again the text of files that findings point into but whose text was dropped after
/// judging (a linked template judged through the template that deploys it).
pub fn restore_texts(workspace: &mut Workspace, files: impl IntoIterator<Item = FileId>) {
    for file in files {
        let Some(source) = workspace.files.get_mut(file.0 as usize) else { continue };
        if !source.text.is_empty() {
            continue;
        }
        if let Ok(text) = std::fs::read_to_string(&source.path) {
            *source = SourceFile::new(source.path.clone(), source.display.clone(), text);
        }
    }
}

/// A UTF-16 file: its byte-order mark, or text whose every other byte is NUL (ASCII saved as
/// UTF-16 without a mark).
fn is_utf16(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return true;
    }
    let head = &bytes[..bytes.len().min(128) & !1];
    let pairs = head.chunks_exact(2);
    let count = pairs.len();
    let little = pairs.clone().filter(|p| p[1] == 0 && p[0] != 0 && p[0].is_ascii()).count();
    let big = pairs.filter(|p| p[0] == 0 && p[1] != 0 && p[1].is_ascii()).count();
    count >= 2 && (little == count || big == count)
}
