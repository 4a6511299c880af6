//! The Bicep lexer: one pass over the source bytes into a token vector, with comments and
//! `#` directives kept aside. Strings with `${…}` interpolation are split into pieces; open
//! interpolations live on an explicit stack, so no input can overflow the call stack.

use super::ast::{Comment, Directive, Ident};
use crate::span::Span;
use crate::syntax::SyntaxError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    Ident,
    Int,
    /// A string or a piece of one; its decoded text is `Lexed::strings[token.value]`.
    Str(Piece),
    /// One or more line breaks (with any blank lines and comments between them).
    NewLine,
    Eof,
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Comma,
    Dot,
    Colon,
    DoubleColon,
    Question,
    DoubleQuestion,
    At,
    Pipe,
    Arrow,
    Ellipsis,
    Assign,
    Eq,
    NotEq,
    EqInsensitive,
    NotEqInsensitive,
    Lt,
    LtEq,
    Gt,
    GtEq,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Bang,
    AndAnd,
    OrOr,
    Hat,
    /// A character Bicep does not use; already reported.
    Unknown,
}

/// Which part of a string a `Str` token is: `'…'` whole, `'…${` head, `}…${` middle, `}…'` tail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Piece {
    Complete,
    Head,
    Middle,
    Tail,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Token {
    pub kind: TokenKind,
    pub span: Span,
    /// For `Str` tokens, the index of the decoded text in `Lexed::strings`.
    pub value: u32,
    /// The source span of the string content (`Str` tokens only).
    pub content: Span,
}

pub(crate) struct Lexed {
    pub tokens: Vec<Token>,
    pub strings: Vec<String>,
    pub comments: Vec<Comment>,
    pub directives: Vec<Directive>,
    pub errors: Vec<SyntaxError>,
}

/// An interpolation whose `}` has not been seen yet: braces opened inside it, and how to resume
/// the string it belongs to.
struct Frame {
    braces: u32,
    multiline: bool,
    dollars: usize,
}

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    out: Lexed,
    frames: Vec<Frame>,
}

pub(crate) fn lex(src: &str) -> Lexed {
    let mut lexer = Lexer {
        src,
        bytes: src.as_bytes(),
        pos: if src.starts_with('\u{feff}') { 3 } else { 0 },
        out: Lexed {
            tokens: Vec::with_capacity(src.len() / 4 + 1),
            strings: Vec::new(),
            comments: Vec::new(),
            directives: Vec::new(),
            errors: Vec::new(),
        },
        frames: Vec::new(),
    };
    lexer.run();
    lexer.out
}

fn span(start: usize, end: usize) -> Span {
    Span::new(start as u32, end as u32)
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl Lexer<'_> {
    fn at(&self, offset: usize) -> u8 {
        self.bytes.get(self.pos + offset).copied().unwrap_or(0)
    }

    fn starts_with(&self, s: &str) -> bool {
        self.bytes[self.pos.min(self.bytes.len())..].starts_with(s.as_bytes())
    }

    fn push(&mut self, kind: TokenKind, start: usize) {
        self.out.tokens.push(Token { kind, span: span(start, self.pos), value: 0, content: Span::default() });
    }

    fn error(&mut self, start: usize, end: usize, message: impl Into<String>) {
        self.out.errors.push(SyntaxError::new(span(start, end), message));
    }

    fn run(&mut self) {
        while self.pos < self.bytes.len() {
            let start = self.pos;
            let b = self.bytes[self.pos];
            match b {
                b' ' | b'\t' => {
                    self.pos += 1;
                    while matches!(self.bytes.get(self.pos), Some(b' ' | b'\t')) {
                        self.pos += 1;
                    }
                }
                b'\n' | b'\r' => self.newline(),
                b'/' if self.at(1) == b'/' => self.line_comment(),
                b'/' if self.at(1) == b'*' => self.block_comment(),
                b'#' if is_ident_start(self.at(1)) && self.at_line_start() => self.directive(),
                b'\'' => {
                    if self.starts_with("'''") {
                        self.pos += 3;
                        self.string(start, true, 0, true);
                    } else {
                        self.pos += 1;
                        self.string(start, false, 0, true);
                    }
                }
                b'$' => {
                    let mut n = 0;
                    while self.at(n) == b'$' {
                        n += 1;
                    }
                    if self.bytes[self.pos + n..].starts_with(b"'''") {
                        self.pos += n + 3;
                        self.string(start, true, n, true);
                    } else {
                        self.pos += n;
                        self.error(start, self.pos, "unexpected character '$'");
                        self.push(TokenKind::Unknown, start);
                    }
                }
                b'0'..=b'9' => {
                    while self.at(0).is_ascii_digit() {
                        self.pos += 1;
                    }
                    self.push(TokenKind::Int, start);
                }
                _ if is_ident_start(b) => {
                    while is_ident_char(self.at(0)) {
                        self.pos += 1;
                    }
                    self.push(TokenKind::Ident, start);
                }
                b'{' => {
                    if let Some(frame) = self.frames.last_mut() {
                        frame.braces += 1;
                    }
                    self.pos += 1;
                    self.push(TokenKind::LBrace, start);
                }
                b'}' => match self.frames.last_mut() {
                    Some(frame) if frame.braces == 0 => {
                        let Frame { multiline, dollars, .. } = *frame;
                        self.frames.pop();
                        self.pos += 1;
                        self.string(start, multiline, dollars, false);
                    }
                    frame => {
                        if let Some(frame) = frame {
                            frame.braces -= 1;
                        }
                        self.pos += 1;
                        self.push(TokenKind::RBrace, start);
                    }
                },
                _ => self.operator(start),
            }
        }
        let end = self.bytes.len();
        self.out.tokens.push(Token { kind: TokenKind::Eof, span: span(end, end), value: 0, content: Span::default() });
    }

    fn operator(&mut self, start: usize) {
        use TokenKind::*;
        let (kind, len) = match (self.at(0), self.at(1), self.at(2)) {
            (b'.', b'.', b'.') => (Ellipsis, 3),
            (b'?', b'?', _) => (DoubleQuestion, 2),
            (b':', b':', _) => (DoubleColon, 2),
            (b'=', b'>', _) => (Arrow, 2),
            (b'=', b'=', _) => (Eq, 2),
            (b'=', b'~', _) => (EqInsensitive, 2),
            (b'!', b'=', _) => (NotEq, 2),
            (b'!', b'~', _) => (NotEqInsensitive, 2),
            (b'<', b'=', _) => (LtEq, 2),
            (b'>', b'=', _) => (GtEq, 2),
            (b'&', b'&', _) => (AndAnd, 2),
            (b'|', b'|', _) => (OrOr, 2),
            (b'(', ..) => (LParen, 1),
            (b')', ..) => (RParen, 1),
            (b'[', ..) => (LBracket, 1),
            (b']', ..) => (RBracket, 1),
            (b',', ..) => (Comma, 1),
            (b'.', ..) => (Dot, 1),
            (b':', ..) => (Colon, 1),
            (b'?', ..) => (Question, 1),
            (b'@', ..) => (At, 1),
            (b'|', ..) => (Pipe, 1),
            (b'=', ..) => (Assign, 1),
            (b'<', ..) => (Lt, 1),
            (b'>', ..) => (Gt, 1),
            (b'+', ..) => (Plus, 1),
            (b'-', ..) => (Minus, 1),
            (b'*', ..) => (Star, 1),
            (b'/', ..) => (Slash, 1),
            (b'%', ..) => (Percent, 1),
            (b'!', ..) => (Bang, 1),
            (b'^', ..) => (Hat, 1),
            _ => {
                // Skip a whole character so offsets stay on UTF-8 boundaries.
                let ch = self.src[self.pos..].chars().next().unwrap_or('\0');
                self.pos += ch.len_utf8().max(1);
                self.error(start, self.pos, format!("unexpected character '{ch}'"));
                self.push(Unknown, start);
                return;
            }
        };
        self.pos += len;
        self.push(kind, start);
    }

    /// A run of line breaks, blank lines and comments becomes one `NewLine` token.
    fn newline(&mut self) {
        let start = self.pos;
        let mut end = self.pos;
        loop {
            match self.at(0) {
                b'\n' | b'\r' => {
                    self.pos += 1;
                    end = self.pos;
                }
                b' ' | b'\t' => self.pos += 1,
                b'/' if self.at(1) == b'/' => self.line_comment(),
                _ => break,
            }
        }
        self.out.tokens.push(Token {
            kind: TokenKind::NewLine,
            span: span(start, end),
            value: 0,
            content: Span::default(),
        });
    }

    fn line_comment(&mut self) {
        let start = self.pos;
        while self.pos < self.bytes.len() && !matches!(self.bytes[self.pos], b'\n' | b'\r') {
            self.pos += 1;
        }
        self.out.comments.push(Comment { span: span(start, self.pos), block: false });
    }

    fn block_comment(&mut self) {
        let start = self.pos;
        match self.src[self.pos + 2..].find("*/") {
            Some(i) => self.pos += 2 + i + 2,
            None => {
                self.pos = self.bytes.len();
                self.error(start, start + 2, "unterminated multi-line comment");
            }
        }
        self.out.comments.push(Comment { span: span(start, self.pos), block: true });
    }

    /// Whether only blanks precede the current position on its line.
    fn at_line_start(&self) -> bool {
        self.bytes[..self.pos].iter().rev().take_while(|&&b| b != b'\n' && b != b'\r').all(|&b| b == b' ' || b == b'\t')
    }

    /// `#disable-next-line code…` at the start of a line: the name, then codes separated by
    /// blanks up to the end of the line or a comment (the rest of the line lexes normally).
    fn directive(&mut self) {
        let start = self.pos;
        self.pos += 1;
        let word = |lexer: &mut Self| {
            let s = lexer.pos;
            while lexer.pos < lexer.bytes.len()
                && !matches!(lexer.at(0), b' ' | b'\t' | b'\n' | b'\r')
                && !(lexer.at(0) == b'/' && matches!(lexer.at(1), b'/' | b'*'))
            {
                lexer.pos += 1;
            }
            (s, lexer.pos)
        };
        let (ns, ne) = word(self);
        let name = self.src[ns..ne].to_string();
        let mut codes = Vec::new();
        loop {
            while matches!(self.at(0), b' ' | b'\t') {
                self.pos += 1;
            }
            if matches!(self.at(0), b'\n' | b'\r' | b'/') || self.pos >= self.bytes.len() {
                break;
            }
            let (s, e) = word(self);
            codes.push(Ident { name: self.src[s..e].to_string(), span: span(s, e) });
        }
        match name.as_str() {
            "disable-next-line" if codes.is_empty() => {
                self.error(ne, ne, "expected at least one diagnostic code after '#disable-next-line'")
            }
            "disable-next-line" | "disable-diagnostics" | "restore-diagnostics" => {}
            _ => self.error(start, ne, format!("unknown directive '#{name}'")),
        }
        self.out.directives.push(Directive { name, codes, span: span(start, self.pos) });
    }

    /// Scans string content from `self.pos` (just after `'`, `'''`, `$'''` or the `}` closing an
    /// interpolation) up to the end of the string or the next `${`, pushing one `Str` token.
    fn string(&mut self, start: usize, multiline: bool, dollars: usize, opener: bool) {
        let mut text = String::new();
        if multiline && opener {
            // The line break right after the opening `'''` is not part of the value.
            if self.starts_with("\r\n") {
                self.pos += 2;
            } else if self.starts_with("\n") {
                self.pos += 1;
            }
        }
        let content_start = self.pos;
        let mut seg = self.pos;
        let (content_end, interpolation) = loop {
            let Some(&b) = self.bytes.get(self.pos) else {
                self.error(start, self.pos, "unterminated string");
                text.push_str(&self.src[seg..self.pos]);
                break (self.pos, false);
            };
            if multiline {
                if b == b'\'' && self.starts_with("'''") {
                    // In a longer run of quotes, the last three close the string.
                    let run = self.bytes[self.pos..].iter().take_while(|&&c| c == b'\'').count();
                    let end = self.pos + run - 3;
                    text.push_str(&self.src[seg..end]);
                    self.pos += run;
                    break (end, false);
                }
                if b == b'$'
                    && dollars > 0
                    && self.bytes[self.pos..].iter().take_while(|&&c| c == b'$').count() >= dollars
                {
                    let run = self.bytes[self.pos..].iter().take_while(|&&c| c == b'$').count();
                    if self.at(run) == b'{' {
                        // Extra leading `$` are text; the last `dollars` of them open the hole.
                        let hole = self.pos + run - dollars;
                        text.push_str(&self.src[seg..hole]);
                        self.pos += run + 1;
                        break (hole, true);
                    }
                    self.pos += run;
                    continue;
                }
                self.pos += 1;
                continue;
            }
            match b {
                b'\'' => {
                    text.push_str(&self.src[seg..self.pos]);
                    let end = self.pos;
                    self.pos += 1;
                    break (end, false);
                }
                b'\n' | b'\r' => {
                    text.push_str(&self.src[seg..self.pos]);
                    self.error(start, self.pos, "unterminated string");
                    break (self.pos, false);
                }
                b'$' if self.at(1) == b'{' => {
                    text.push_str(&self.src[seg..self.pos]);
                    let end = self.pos;
                    self.pos += 2;
                    break (end, true);
                }
                b'\\' => {
                    text.push_str(&self.src[seg..self.pos]);
                    self.escape(&mut text);
                    seg = self.pos;
                }
                _ => {
                    // Jump to the next byte that can end the text run.
                    let rest = &self.bytes[self.pos + 1..];
                    let run = rest
                        .iter()
                        .position(|&c| matches!(c, b'\'' | b'\\' | b'$' | b'\n' | b'\r'))
                        .unwrap_or(rest.len());
                    self.pos += 1 + run;
                }
            }
        };
        let piece = match (opener, interpolation) {
            (true, false) => Piece::Complete,
            (true, true) => Piece::Head,
            (false, true) => Piece::Middle,
            (false, false) => Piece::Tail,
        };
        if interpolation {
            self.frames.push(Frame { braces: 0, multiline, dollars });
        }
        let value = self.out.strings.len() as u32;
        self.out.strings.push(text);
        self.out.tokens.push(Token {
            kind: TokenKind::Str(piece),
            span: span(start, self.pos),
            value,
            content: span(content_start, content_end),
        });
    }

    /// The character for `\u{code}`. Strings are UTF-16 in the compiler, so a high surrogate
    /// followed by `\u{low}` makes one character; a lone surrogate becomes U+FFFD.
    fn code_point(&mut self, code: u32) -> Option<char> {
        if code > 0x10FFFF {
            return None;
        }
        if (0xD800..0xDC00).contains(&code) && self.bytes[self.pos + 1..].starts_with(b"\\u{") {
            let digits: Vec<u8> =
                self.bytes[self.pos + 4..].iter().copied().take_while(u8::is_ascii_hexdigit).collect();
            let low = std::str::from_utf8(&digits).ok().and_then(|h| u32::from_str_radix(h, 16).ok());
            if let Some(low @ 0xDC00..0xE000) = low
                && self.at(4 + digits.len()) == b'}'
            {
                self.pos += 4 + digits.len();
                return char::from_u32(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00));
            }
        }
        Some(char::from_u32(code).unwrap_or('\u{fffd}'))
    }

    /// Decodes one escape sequence at `self.pos` (on the backslash).
    fn escape(&mut self, text: &mut String) {
        let start = self.pos;
        self.pos += 1;
        let decoded = match self.at(0) {
            b'\\' => Some('\\'),
            b'\'' => Some('\''),
            b'n' => Some('\n'),
            b'r' => Some('\r'),
            b't' => Some('\t'),
            b'$' => Some('$'),
            b'u' if self.at(1) == b'{' => {
                let digits = self.bytes[self.pos + 2..].iter().take_while(|b| b.is_ascii_hexdigit()).count();
                if self.at(2 + digits) == b'}' && (1..=6).contains(&digits) {
                    let hex = &self.src[self.pos + 2..self.pos + 2 + digits];
                    let code = u32::from_str_radix(hex, 16).unwrap_or(u32::MAX);
                    self.pos += 2 + digits;
                    self.code_point(code)
                } else {
                    None
                }
            }
            _ => None,
        };
        match decoded {
            Some(ch) => {
                text.push(ch);
                self.pos += 1;
            }
            None => {
                // Leave a line break or the end of input to the string scanner.
                if !matches!(self.at(0), b'\n' | b'\r') && self.pos < self.bytes.len() {
                    let ch = self.src[self.pos..].chars().next().unwrap_or('\0');
                    self.pos += ch.len_utf8();
                }
                self.error(start, self.pos, "invalid escape sequence in string");
            }
        }
    }
}
