//! The scan: walk the paths, read and parse each file once (in parallel), evaluate every root
//! template into a deployment, run the rules, and gather sorted, deduplicated findings.

use crate::rules::{Finding, Rule};
use crate::source::{Origin, SourceFile};

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
