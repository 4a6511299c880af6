//! The files of a scan with their syntax trees: each file read and parsed once, then shared by
//! every deployment that uses it (as a root, or as a module of another).

use crate::source::{FileId, SourceFile};
use crate::syntax::arm::ArmDocument;
use crate::syntax::bicep::ParsedBicep;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Where a registry module (`br:`, `br/<alias>:`, `ts:`, `ts/<alias>:`) is in the local Bicep
/// module cache: its compiled `main.json`, or why pgguard cannot read it (not restored, an
/// unknown alias), saying what to do.
pub type RegistryModule = Result<PathBuf, String>;

#[derive(Debug)]
pub enum Parsed {
    Bicep(ParsedBicep),
    /// A Bicep template whose tree was dropped once parsed, because its text names nothing the
    /// loaded rules judge: what the scan reads before evaluation is kept. Should a deployment
    /// the rules judge reach it (as a module, or an import), the scan parses it again
    /// (`Workspace::restore`): syntax trees are most of a scan's memory.
    BicepOutline(Outline),
    BicepParams(ParsedBicep),
    /// An ARM parameter file.
    Arm(ArmDocument),
    /// An ARM template, judged when it was loaded (see `scan::load`).
    ArmJudged,
    /// An ARM template a Bicep file calls as a module (a local `.json` module, or a registry
    /// module's `main.json` in the local Bicep module cache): kept, and judged through its
    /// callers.
    ArmModule(Arc<ArmDocument>),
    /// The file could not be read or parsed (its error is reported), or is not a template.
    None,
}

/// What the scan reads of a Bicep template before evaluation.
#[derive(Debug, Default, Clone)]
pub struct Outline {
    /// The paths of its `module` statements, as written (literal paths only).
    pub modules: Vec<String>,
    /// The paths of its `import … from` statements of Bicep files, as written.
    pub imports: Vec<String>,
    pub has_errors: bool,
}

#[derive(Debug, Default)]
pub struct Workspace {
    pub files: Vec<SourceFile>,
    pub parsed: Vec<Parsed>,
    by_path: HashMap<PathBuf, FileId>,
    /// The registry modules each Bicep file calls, by the reference as written: resolved by
    /// the scan against the local Bicep module cache before evaluation (never fetched).
    pub registry: HashMap<(FileId, String), RegistryModule>,
}

impl Workspace {
    pub fn add(&mut self, file: SourceFile, parsed: Parsed) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.by_path.insert(canonical(&file.path), id);
        self.files.push(file);
        self.parsed.push(parsed);
        id
    }

    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn parsed(&self, id: FileId) -> &Parsed {
        &self.parsed[id.0 as usize]
    }

    /// Parses again the outlined Bicep templates among `files`, for evaluation.
    pub fn restore(&mut self, files: &[FileId]) {
        use rayon::prelude::*;
        let outlined: Vec<FileId> =
            files.iter().copied().filter(|f| matches!(self.parsed(*f), Parsed::BicepOutline(_))).collect();
        let trees: Vec<ParsedBicep> = outlined
            .par_iter()
            .map(|f| crate::syntax::bicep::parse(&self.file(*f).text, crate::syntax::bicep::Mode::Template))
            .collect();
        for (file, tree) in outlined.into_iter().zip(trees) {
            self.parsed[file.0 as usize] = Parsed::Bicep(tree);
        }
    }

    pub fn find(&self, path: &Path) -> Option<FileId> {
        self.by_path.get(&canonical(path)).copied()
    }
}

/// One key per file however its path is spelled (`a/../b.bicep`, `./b.bicep`): absolute, with
/// `.` and `..` resolved lexically. No file system call: module lookups are frequent, and
/// `canonicalize` cost a `readlink` per path component.
pub fn canonical(path: &Path) -> PathBuf {
    // The working directory, read once: pgguard never changes it, and module lookups are many.
    static CWD: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        CWD.get_or_init(|| std::env::current_dir().unwrap_or_default()).join(path)
    };
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}
