//! Statements: every top-level declaration of `.bicep` and `.bicepparam` files. Keywords are
//! contextual, so each statement is recognised by the identifier that starts it.

use super::{PResult, Parser};
use crate::span::Span;
use crate::syntax::bicep::Mode;
use crate::syntax::bicep::ast::{
    DeclaredType, Decorator, Expr, ExprKind, Ident, ImportClause, ImportItem, LambdaParam, Statement, StatementKind,
    StringLit,
};
use crate::syntax::bicep::lexer::{Piece, TokenKind};

impl Parser<'_> {
    pub(super) fn statement(&mut self) -> PResult<Statement> {
        let start = self.cur().span.start;
        let decorators = self.decorators()?;
        let kind = self.statement_kind()?;
        Ok(Statement { decorators, kind, span: Span::new(start, self.last_end.max(start)) })
    }

    /// `@expr` lines before a statement, object property or type member.
    pub(super) fn decorators(&mut self) -> PResult<Vec<Decorator>> {
        let mut decorators = Vec::new();
        while self.at(TokenKind::At) {
            let start = self.bump().span.start;
            let expr = self.postfix_expr()?;
            decorators.push(Decorator { span: Span::new(start, self.last_end), expr });
            // A line break separates the decorator from what it decorates.
            if !self.at(TokenKind::NewLine) {
                return Err(self.error_here("expected a new line after the decorator"));
            }
            self.skip_nl();
        }
        Ok(decorators)
    }

    fn statement_kind(&mut self) -> PResult<StatementKind> {
        let token = self.cur();
        if token.kind != TokenKind::Ident {
            return Err(self.error_here("expected a declaration (param, var, resource, …)"));
        }
        let keyword = self.text(&token);
        let kind = match keyword {
            "targetScope" => {
                self.bump();
                self.expect(TokenKind::Assign, "'=' after 'targetScope'")?;
                StatementKind::TargetScope { value: self.expr()? }
            }
            "metadata" => {
                self.bump();
                let name = self.ident("a metadata name")?;
                self.expect(TokenKind::Assign, "'=' after the metadata name")?;
                StatementKind::Metadata { name, value: self.expr()? }
            }
            "param" => self.param()?,
            "var" => {
                self.bump();
                let name = self.ident("a variable name")?;
                let ty = if self.at(TokenKind::Assign) { None } else { Some(self.type_expr()?) };
                self.expect(TokenKind::Assign, "'=' after the variable name")?;
                StatementKind::Var { name, ty, value: self.expr()? }
            }
            "resource" => self.resource()?,
            "module" => {
                self.bump();
                let name = self.ident("a module name")?;
                let path = self.string_lit("a module path string")?;
                self.expect(TokenKind::Assign, "'=' after the module path")?;
                StatementKind::Module { name, path, body: self.resource_body()? }
            }
            "output" => {
                self.bump();
                let name = self.ident("an output name")?;
                let ty = self.declared_type()?;
                self.expect(TokenKind::Assign, "'=' after the output type")?;
                StatementKind::Output { name, ty, value: self.expr()? }
            }
            "type" => {
                self.bump();
                let name = self.ident("a type name")?;
                self.expect(TokenKind::Assign, "'=' after the type name")?;
                StatementKind::Type { name, value: self.type_expr()? }
            }
            "func" => self.func()?,
            "import" => self.import()?,
            "extension" | "provider" => self.extension()?,
            "extensionConfig" => {
                self.bump();
                let name = self.ident("an extension name")?;
                if !self.at_word("with") {
                    return Err(self.error_here("expected 'with' after the extension name"));
                }
                self.bump();
                StatementKind::ExtensionConfig { name, config: self.object_expr()? }
            }
            "assert" => {
                self.bump();
                let name = self.ident("an assertion name")?;
                self.expect(TokenKind::Assign, "'=' after the assertion name")?;
                StatementKind::Assert { name, value: self.expr()? }
            }
            "test" => {
                self.bump();
                let name = self.ident("a test name")?;
                let path = self.string_lit("a test file path string")?;
                self.expect(TokenKind::Assign, "'=' after the test path")?;
                StatementKind::Test { name, path, body: self.object_expr()? }
            }
            "using" => {
                self.bump();
                let path = if self.at_word("none") {
                    self.bump();
                    None
                } else {
                    Some(self.string_lit("a file path string or 'none' after 'using'")?)
                };
                StatementKind::Using { path, config: self.with_clause()? }
            }
            "extends" => {
                self.bump();
                StatementKind::Extends { path: self.string_lit("a file path string")? }
            }
            _ => {
                return Err(self.error_here("expected a declaration (param, var, resource, …)"));
            }
        };
        Ok(kind)
    }

    fn param(&mut self) -> PResult<StatementKind> {
        self.bump();
        let name = self.ident("a parameter name")?;
        if self.mode == Mode::Params && self.at(TokenKind::Assign) {
            self.bump();
            return Ok(StatementKind::Param { name, ty: None, value: Some(self.expr()?) });
        }
        let ty = self.declared_type()?;
        let value = match self.peek() {
            TokenKind::Assign => {
                self.bump();
                Some(self.expr()?)
            }
            TokenKind::NewLine | TokenKind::Eof => None,
            _ => return Err(self.error_here("expected '=' after the parameter type")),
        };
        Ok(StatementKind::Param { name, ty: Some(ty), value })
    }

    /// A `param` or `output` type: a type expression or `resource 'Type@version'`.
    fn declared_type(&mut self) -> PResult<DeclaredType> {
        if self.at_word("resource") && matches!(self.nth_raw(1), TokenKind::Str(_)) {
            self.bump();
            return Ok(DeclaredType::Resource(self.string_lit("a resource type string")?));
        }
        Ok(DeclaredType::Type(self.type_expr()?))
    }

    pub(super) fn resource(&mut self) -> PResult<StatementKind> {
        self.bump();
        let name = self.ident("a resource name")?;
        let type_string = self.string_lit("a resource type string")?;
        let existing = self.at_word("existing");
        if existing {
            self.bump();
        }
        self.expect(TokenKind::Assign, "'=' after the resource type")?;
        Ok(StatementKind::Resource { name, type_string, existing, body: self.resource_body()? })
    }

    /// The value of a resource or module: an object, `if (…) {…}` or `[for …]`; only before
    /// `if` may the line break after `=`.
    fn resource_body(&mut self) -> PResult<Expr> {
        let mut i = self.pos;
        while self.tok(i).kind == TokenKind::NewLine {
            i += 1;
        }
        let next = *self.tok(i);
        if next.kind == TokenKind::Ident && self.text(&next) == "if" {
            self.skip_nl();
            return self.if_expr();
        }
        match self.peek() {
            TokenKind::LBrace => self.object(),
            TokenKind::LBracket => {
                let start = self.bump().span.start;
                self.for_expr(start, true)
            }
            _ => Err(self.error_here("expected '{', 'if' or '[for' for the body")),
        }
    }

    fn func(&mut self) -> PResult<StatementKind> {
        self.bump();
        let name = self.ident("a function name")?;
        self.expect(TokenKind::LParen, "'(' after the function name")?;
        let mut params = Vec::new();
        self.skip_nl();
        while !self.eat(TokenKind::RParen) {
            let name = self.ident("a parameter name")?;
            let ty = self.type_expr()?;
            params.push(LambdaParam { name, ty: Some(ty) });
            self.skip_nl();
            if self.eat(TokenKind::Comma) {
                self.skip_nl();
            } else if !self.at(TokenKind::RParen) {
                return Err(self.error_here("expected ',' or ')' after the function parameter"));
            }
        }
        let return_ty = self.type_expr()?;
        self.expect(TokenKind::Arrow, "'=>' after the function return type")?;
        self.skip_nl_before_body();
        Ok(StatementKind::Func { name, params, return_ty, body: self.expr()? })
    }

    fn import(&mut self) -> PResult<StatementKind> {
        self.bump();
        let clause = match self.peek() {
            TokenKind::LBrace => ImportClause::Named(self.import_items()?),
            TokenKind::Star => {
                self.bump();
                if !self.at_word("as") {
                    return Err(self.error_here("expected 'as' after '*'"));
                }
                self.bump();
                ImportClause::Wildcard { alias: self.ident("a namespace name after 'as'")? }
            }
            _ => {
                // The older provider form: `import 'az@1.0.0' [with {…}] [as alias]`.
                let source = self.extension_spec()?;
                let config = self.with_clause()?;
                let alias = self.as_clause()?;
                return Ok(StatementKind::Import { clause: ImportClause::None, source, config, alias });
            }
        };
        if !self.at_word("from") {
            return Err(self.error_here("expected 'from' after the import list"));
        }
        self.bump();
        let source = self.string_expr("a file path string after 'from'")?;
        Ok(StatementKind::Import { clause, source, config: None, alias: None })
    }

    /// `{a, b as c}`: separated like object properties; a quoted name needs an alias.
    fn import_items(&mut self) -> PResult<Vec<ImportItem>> {
        self.bump();
        self.list(TokenKind::RBrace, "import list", |p| {
            let token = p.cur();
            let name = match token.kind {
                TokenKind::Ident => p.ident("a name")?,
                TokenKind::Str(Piece::Complete) => {
                    let lit = p.string_lit("a name")?;
                    if !p.at_word("as") {
                        return Err(p.error_here("expected 'as' and an alias after a quoted name"));
                    }
                    Ident { name: lit.as_literal().unwrap_or("").to_string(), span: lit.span }
                }
                _ => return Err(p.error_here("expected a name to import")),
            };
            let alias = p.as_clause()?;
            Ok(ImportItem { name, alias, span: Span::new(token.span.start, p.last_end) })
        })
    }

    fn extension(&mut self) -> PResult<StatementKind> {
        let token = self.bump();
        let keyword = Ident { name: self.text(&token).to_string(), span: token.span };
        let spec = self.extension_spec()?;
        let config = self.with_clause()?;
        let alias = self.as_clause()?;
        Ok(StatementKind::Extension { keyword, spec, config, alias })
    }

    /// `'az@1.0.0'`, `'br:…'` or a bare name such as `kubernetes`.
    fn extension_spec(&mut self) -> PResult<Expr> {
        match self.peek() {
            TokenKind::Ident => {
                let name = self.ident("an extension name")?;
                Ok(Expr { span: name.span, kind: ExprKind::Ident(name) })
            }
            TokenKind::Str(_) => self.string_expr("an extension name or string"),
            _ => Err(self.error_here("expected an extension name or string")),
        }
    }

    fn with_clause(&mut self) -> PResult<Option<Expr>> {
        if !self.at_word("with") {
            return Ok(None);
        }
        self.bump();
        Ok(Some(self.object_expr()?))
    }

    fn as_clause(&mut self) -> PResult<Option<Ident>> {
        if !self.at_word("as") {
            return Ok(None);
        }
        self.bump();
        Ok(Some(self.ident("an alias after 'as'")?))
    }

    fn object_expr(&mut self) -> PResult<Expr> {
        if !self.at(TokenKind::LBrace) {
            return Err(self.error_here("expected an object"));
        }
        self.expr()
    }

    pub(super) fn string_lit(&mut self, what: &str) -> PResult<StringLit> {
        match self.peek() {
            TokenKind::Str(Piece::Complete | Piece::Head) => self.string(),
            _ => Err(self.error_here(&format!("expected {what}"))),
        }
    }

    fn string_expr(&mut self, what: &str) -> PResult<Expr> {
        let lit = self.string_lit(what)?;
        Ok(Expr { span: lit.span, kind: ExprKind::String(lit) })
    }
}
