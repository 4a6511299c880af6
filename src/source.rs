//! A file of the scan: its path, its text (read once) and a line index built once, from which
//! reporters turn byte spans into 1-based lines and columns.

use crate::span::Span;
use std::path::PathBuf;

/// Index of a file in the scan's file table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A place in a file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    pub file: FileId,
    pub span: Span,
}

impl Origin {
    pub fn new(file: FileId, span: Span) -> Self {
        Origin { file, span }
    }
}

/// Which language a file is in, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Bicep,
    BicepParams,
    Json,
}

impl Language {
    pub fn of(path: &std::path::Path) -> Option<Language> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "bicep" => Some(Language::Bicep),
            "bicepparam" => Some(Language::BicepParams),
            "json" | "jsonc" => Some(Language::Json),
            _ => None,
        }
    }
}

#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    /// The path as users see it: relative to the current directory when under it.
    pub display: String,
    pub text: String,
    line_starts: Vec<u32>,
    /// Code points before every `CHECKPOINT`-th byte (rounded down to a character boundary):
    /// a column on a long line (a minified template) is found without counting the line.
    checkpoints: Vec<(u32, u32)>,
    /// Whether the text holds control characters that an excerpt must not print (found once,
    /// when a reporter first asks: each excerpt of the file asks again).
    controls: std::sync::OnceLock<bool>,
}

/// Bytes between two entries of `SourceFile::checkpoints`.
const CHECKPOINT: usize = 4096;

/// A 1-based line and column; columns count Unicode code points (SARIF `unicodeCodePoints`).
/// A control character an excerpt does not print as it is (line breaks and tabs it does).
pub fn is_hidden_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\r' | '\t')
}

/// Where lines start: at 0 and after each line break, a line feed, a carriage return alone
/// (as Bicep and SARIF count lines) or the two together.
pub fn line_starts(text: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    let breaks = bytes.iter().enumerate().filter_map(move |(i, b)| match b {
        b'\n' => Some(i + 1),
        b'\r' if bytes.get(i + 1) != Some(&b'\n') => Some(i + 1),
        _ => None,
    });
    std::iter::once(0).chain(breaks)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

impl SourceFile {
    pub fn new(path: PathBuf, display: String, text: String) -> Self {
        let line_starts = line_starts(&text).map(|i| i as u32).collect();
        let mut checkpoints = vec![(0, 0)];
        let mut chars = 0u32;
        let mut from = 0usize;
        while from + CHECKPOINT < text.len() {
            let mut to = from + CHECKPOINT;
            while !text.is_char_boundary(to) {
                to -= 1;
            }
            chars += text[from..to].chars().count() as u32;
            checkpoints.push((to as u32, chars));
            from = to;
        }
        SourceFile { path, display, text, line_starts, checkpoints, controls: std::sync::OnceLock::new() }
    }

    /// Code points before byte `offset` (a character boundary).
    fn chars_before(&self, offset: usize) -> u32 {
        let at = self.checkpoints.partition_point(|&(byte, _)| byte as usize <= offset) - 1;
        let (byte, chars) = self.checkpoints[at];
        chars + self.text[byte as usize..offset].chars().count() as u32
    }

    pub fn line_col(&self, offset: u32) -> LineCol {
        let offset = offset.min(self.text.len() as u32);
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let mut start = self.line_starts[line] as usize;
        // A byte-order mark is not a character of the first line (SARIF counts columns so).
        if line == 0 && self.text.starts_with('\u{feff}') {
            start = '\u{feff}'.len_utf8().min(offset as usize);
        }
        let mut end = offset as usize;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let column = self.chars_before(end.max(start)) - self.chars_before(start) + 1;
        LineCol { line: line as u32 + 1, column }
    }

    /// Where a 0-based line starts (the end of the text past the last line).
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts.get(line).map_or(self.text.len(), |&s| s as usize)
    }

    /// Whether the text holds control characters other than line breaks and tabs.
    pub fn has_controls(&self) -> bool {
        *self.controls.get_or_init(|| self.text.chars().any(is_hidden_control))
    }

    /// The text of a 1-based line, without its line break (empty past the end).
    pub fn line(&self, line: u32) -> &str {
        let Some(&start) = self.line_starts.get((line as usize).wrapping_sub(1)) else { return "" };
        let end = self.line_starts.get(line as usize).map_or(self.text.len(), |&e| e as usize);
        self.text.get(start as usize..end).unwrap_or("").trim_end_matches(['\n', '\r'])
    }

    /// Start and end of a span, both 1-based.
    pub fn range(&self, span: Span) -> (LineCol, LineCol) {
        (self.line_col(span.start), self.line_col(span.end))
    }
}

/// A path as reports show it: with `/` between folders on every platform, and every other
/// character as it is (on Unix `back\\slash.bicep` is one file name, not two folders).
pub fn slashed(path: &std::path::Path) -> String {
    let text = path.to_string_lossy();
    if cfg!(windows) { text.replace('\\', "/") } else { text.into_owned() }
}
