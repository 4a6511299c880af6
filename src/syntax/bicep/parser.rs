//! The Bicep recursive-descent parser over the lexer's token vector: statements here, then
//! expressions (`expr.rs`) and types (`types.rs`). Errors are recorded and the parser resumes at
//! the next item or statement; nesting depth is bounded so no input can overflow the stack.

mod expr;
mod stmt;
mod types;

use super::ast::{Ident, Program, Statement, StatementKind};
use super::lexer::{self, Piece, Token, TokenKind};
use super::{Mode, ParsedBicep};
use crate::span::Span;
use crate::syntax::SyntaxError;

/// Words that start a declaration: a line starting with one is never a continuation.
const DECLARATION_KEYWORDS: &[&str] = &[
    "metadata",
    "targetScope",
    "param",
    "var",
    "resource",
    "output",
    "module",
    "import",
    "type",
    "func",
    "assert",
    "test",
    "extension",
    "provider",
    "using",
    "extends",
    "extensionConfig",
];

/// Deeper nesting of expressions or types (operator chains included) is reported instead of
/// parsed. Real templates stay far below it; at this bound even an unoptimised build needs
/// under 1 MiB of stack.
const MAX_DEPTH: u32 = 64;

/// A parse function failed; its error is already recorded and the caller recovers.
pub(super) struct Fail;

pub(super) type PResult<T> = Result<T, Fail>;

pub(super) struct Parser<'a> {
    src: &'a str,
    tokens: Vec<Token>,
    strings: Vec<String>,
    pos: usize,
    errors: Vec<SyntaxError>,
    depth: u32,
    /// Inside `${…}`, where object and array literals are not allowed.
    in_interpolation: bool,
    /// Set when nesting got too deep: recovery stops until the statement level.
    fatal: bool,
    /// End of the last consumed token, for node spans.
    last_end: u32,
    mode: Mode,
}

pub(super) fn parse(text: &str, mode: Mode) -> ParsedBicep {
    let lexed = lexer::lex(text);
    let mut parser = Parser {
        src: text,
        tokens: lexed.tokens,
        strings: lexed.strings,
        pos: 0,
        errors: lexed.errors,
        depth: 0,
        in_interpolation: false,
        fatal: false,
        last_end: 0,
        mode,
    };
    let statements = parser.program();
    let mut errors = parser.errors;
    errors.sort_by_key(|e| e.span.start);
    ParsedBicep {
        program: Program { statements, span: Span::new(0, text.len() as u32) },
        errors,
        comments: lexed.comments,
        directives: lexed.directives,
    }
}

impl<'a> Parser<'a> {
    fn program(&mut self) -> Vec<Statement> {
        let mut statements = Vec::new();
        loop {
            self.skip_nl();
            if self.at(TokenKind::Eof) {
                break;
            }
            let start = self.cur().span.start;
            let before = self.pos;
            let statement = match self.statement() {
                Ok(statement) => {
                    if !self.at(TokenKind::NewLine) && !self.at(TokenKind::Eof) {
                        self.error_here("expected a new line after the statement");
                        self.skip_statement();
                    }
                    statement
                }
                Err(Fail) => {
                    self.fatal = false;
                    self.depth = 0;
                    self.skip_statement();
                    if self.pos == before {
                        self.bump();
                    }
                    Statement {
                        decorators: Vec::new(),
                        kind: StatementKind::Error,
                        span: Span::new(start, self.last_end.max(start)),
                    }
                }
            };
            statements.push(statement);
        }
        statements
    }

    // ---- token access ----

    fn tok(&self, i: usize) -> &Token {
        // The vector always ends with `Eof`, which is returned for any index past it.
        let last = self.tokens.len() - 1;
        &self.tokens[i.min(last)]
    }

    fn cur(&self) -> Token {
        *self.tok(self.pos)
    }

    fn peek(&self) -> TokenKind {
        self.cur().kind
    }

    fn at(&self, kind: TokenKind) -> bool {
        self.peek() == kind
    }

    /// The kind of the `n`th token after the current one, line breaks included.
    fn nth_raw(&self, n: usize) -> TokenKind {
        self.tok(self.pos + n).kind
    }

    fn bump(&mut self) -> Token {
        let token = self.cur();
        if token.kind != TokenKind::Eof {
            self.pos += 1;
            self.last_end = token.span.end;
        }
        token
    }

    fn eat(&mut self, kind: TokenKind) -> bool {
        if self.at(kind) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn skip_nl(&mut self) {
        while self.tok(self.pos).kind == TokenKind::NewLine {
            self.pos += 1;
        }
    }

    fn text(&self, token: &Token) -> &'a str {
        self.src.get(token.span.range()).unwrap_or("")
    }

    fn at_word(&self, word: &str) -> bool {
        let token = self.cur();
        token.kind == TokenKind::Ident && self.text(&token) == word
    }

    fn ident(&mut self, what: &str) -> PResult<Ident> {
        let token = self.cur();
        if token.kind == TokenKind::Ident {
            self.bump();
            Ok(Ident { name: self.text(&token).to_string(), span: token.span })
        } else {
            Err(self.error_here(&format!("expected {what}")))
        }
    }

    fn expect(&mut self, kind: TokenKind, what: &str) -> PResult<Span> {
        if self.at(kind) { Ok(self.bump().span) } else { Err(self.error_here(&format!("expected {what}"))) }
    }

    /// Runs `f` one nesting level deeper, failing once the depth bound is reached.
    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        if self.depth >= MAX_DEPTH {
            let span = self.cur().span;
            self.errors.push(SyntaxError::new(span, "nesting too deep"));
            self.fatal = true;
            return Err(Fail);
        }
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        result
    }

    // ---- errors and recovery ----

    fn describe(&self, token: &Token) -> String {
        match token.kind {
            TokenKind::NewLine => "a new line".to_string(),
            TokenKind::Eof => "the end of the file".to_string(),
            TokenKind::Str(_) => "a string".to_string(),
            _ => format!("'{}'", self.text(token)),
        }
    }

    /// Records "expected …, found <current token>".
    fn error_here(&mut self, expected: &str) -> Fail {
        let token = self.cur();
        let message = format!("{expected}, found {}", self.describe(&token));
        self.errors.push(SyntaxError::new(token.span, message));
        Fail
    }

    fn error_at(&mut self, span: Span, message: impl Into<String>) {
        self.errors.push(SyntaxError::new(span, message));
    }

    /// Top-level recovery: skips to the next line break outside brackets (not consuming it),
    /// stray closing brackets included. An unclosed bracket would swallow the rest of the file,
    /// so a declaration keyword at the start of a line ends the skip too.
    fn skip_statement(&mut self) {
        loop {
            self.skip_until(|kind| kind == TokenKind::NewLine);
            let token = *self.tok(self.pos);
            match token.kind {
                TokenKind::NewLine | TokenKind::Eof => return,
                _ if self.at_line_start_declaration() => return,
                _ => {}
            }
            self.last_end = token.span.end;
            self.pos += 1;
        }
    }

    /// Whether the current token is a line break followed, in the first column, by a
    /// declaration keyword or a decorator.
    fn at_line_start_declaration(&self) -> bool {
        let newline = self.tok(self.pos);
        let next = self.tok(self.pos + 1);
        newline.kind == TokenKind::NewLine
            && next.span.start == newline.span.end
            && (next.kind == TokenKind::At
                || next.kind == TokenKind::Ident && DECLARATION_KEYWORDS.contains(&self.text(next)))
    }

    /// Skips tokens, keeping brackets balanced, until `stop` holds for a token outside any
    /// bracket opened while skipping, or a closing bracket that was opened before.
    fn skip_until(&mut self, stop: impl Fn(TokenKind) -> bool) {
        let mut depth = 0u32;
        loop {
            let kind = self.tok(self.pos).kind;
            match kind {
                TokenKind::Eof => return,
                _ if depth == 0 && stop(kind) => return,
                TokenKind::NewLine if self.at_line_start_declaration() => return,
                TokenKind::LParen | TokenKind::LBracket | TokenKind::LBrace | TokenKind::Str(Piece::Head) => depth += 1,
                TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace | TokenKind::Str(Piece::Tail) => {
                    if depth == 0 {
                        return;
                    }
                    depth -= 1;
                }
                _ => {}
            }
            self.last_end = self.tok(self.pos).span.end;
            self.pos += 1;
        }
    }
}
