//! Parsing: Bicep (our own lexer and recursive-descent parser) and ARM JSON (jsonc-parser with
//! spans). Syntax code reports syntax errors only; it never judges a template.

pub mod arm;
pub mod bicep;

use crate::span::Span;

/// A syntax error: where, and what was expected and found. A parser that reports one resumes at
/// the next statement, so one bad line never hides the rest of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
}

impl SyntaxError {
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        SyntaxError { span, message: message.into() }
    }
}
