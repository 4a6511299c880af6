//! Bicep: a hand-written lexer and recursive-descent parser for `.bicep` and `.bicepparam`,
//! following the compiler's grammar (src/Bicep.Core/Parsing), newline-sensitive as Bicep is.

pub mod ast;
mod lexer;
mod parser;

use crate::syntax::SyntaxError;
use ast::{Comment, Directive, Program};

/// Which grammar a file follows: the `.bicepparam` statements (`using`, `extends`,
/// `param x = value`) are only accepted in `Params` mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Template,
    Params,
}

/// The result of parsing one file: the tree (with `Error` nodes where it could not be read),
/// every syntax error, and the trivia later stages need (comments, `#disable-next-line`).
#[derive(Debug, Clone)]
pub struct ParsedBicep {
    pub program: Program,
    pub errors: Vec<SyntaxError>,
    pub comments: Vec<Comment>,
    pub directives: Vec<Directive>,
}

/// Parses Bicep source. Never panics, whatever the input; nesting depth is bounded.
pub fn parse(text: &str, mode: Mode) -> ParsedBicep {
    parser::parse(text, mode)
}
