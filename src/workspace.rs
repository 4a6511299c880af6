//! The files of a scan with their syntax trees: each file read and parsed once, then shared by
//! every deployment that uses it (as a root, or as a module of another).

use crate::source::{FileId, SourceFile};
use crate::syntax::arm::ArmDocument;
use crate::syntax::bicep::ParsedBicep;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub enum Parsed {
    Bicep(ParsedBicep),
    BicepParams(ParsedBicep),
    /// An ARM parameter file.
    Arm(ArmDocument),
    /// An ARM template, judged when it was loaded (see `scan::load`).
    ArmJudged,
    /// The file could not be read or parsed (its error is reported), or is not a template.
    None,
}

#[derive(Debug, Default)]
pub struct Workspace {
    pub files: Vec<SourceFile>,
    pub parsed: Vec<Parsed>,
    by_path: HashMap<PathBuf, FileId>,
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

    pub fn find(&self, path: &Path) -> Option<FileId> {
        self.by_path.get(&canonical(path)).copied()
    }
}

/// One key per file however it was named (`a/../b.bicep`, a symlink).
pub fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}
