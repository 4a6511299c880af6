//! Expressions, with the compiler's precedence: ternary, `??`, `||`, `&&`, equality,
//! relational, additive, multiplicative, unary, postfix. Operator chains count towards the
//! nesting bound too, since the trees they build are as deep as nested brackets.

use super::{DECLARATION_KEYWORDS, Fail, PResult, Parser};
use crate::span::Span;
use crate::syntax::bicep::ast::{
    BinaryOp, Decorator, Expr, ExprKind, Ident, LambdaParam, ObjectItem, ObjectKey, ObjectProperty, Statement,
    StringLit, StringPart, UnaryOp,
};
use crate::syntax::bicep::lexer::{Piece, Token, TokenKind};

fn binary_op(kind: TokenKind) -> Option<(BinaryOp, u8)> {
    use BinaryOp::*;
    Some(match kind {
        TokenKind::DoubleQuestion => (Coalesce, 1),
        TokenKind::OrOr => (Or, 2),
        TokenKind::AndAnd => (And, 3),
        TokenKind::Eq => (Equals, 4),
        TokenKind::NotEq => (NotEquals, 4),
        TokenKind::EqInsensitive => (EqualsInsensitive, 4),
        TokenKind::NotEqInsensitive => (NotEqualsInsensitive, 4),
        TokenKind::Lt => (Less, 5),
        TokenKind::LtEq => (LessOrEqual, 5),
        TokenKind::Gt => (Greater, 5),
        TokenKind::GtEq => (GreaterOrEqual, 5),
        TokenKind::Plus => (Add, 6),
        TokenKind::Minus => (Subtract, 6),
        TokenKind::Star => (Multiply, 7),
        TokenKind::Slash => (Divide, 7),
        TokenKind::Percent => (Modulo, 7),
        _ => return None,
    })
}

impl Parser<'_> {
    pub(super) fn expr(&mut self) -> PResult<Expr> {
        self.nested(|p| p.ternary())
    }

    /// Bumps the depth for one more link of an operator chain; the caller restores it.
    pub(super) fn chain_link(&mut self) -> PResult<()> {
        self.nested(|_| Ok(()))?;
        self.depth += 1;
        Ok(())
    }

    /// `cond ? a : b`; as in the compiler, `?` and `:` (not what follows them) may start a
    /// new line.
    fn ternary(&mut self) -> PResult<Expr> {
        let condition = self.binary(0)?;
        if !self.next_after_newlines_is(TokenKind::Question) {
            return Ok(condition);
        }
        self.skip_nl();
        self.bump();
        let then = self.expr()?;
        self.skip_nl_before(TokenKind::Colon);
        self.expect(TokenKind::Colon, "':' in the conditional expression")?;
        let otherwise = self.expr()?;
        let span = condition.span.cover(otherwise.span);
        Ok(Expr {
            kind: ExprKind::Ternary {
                condition: Box::new(condition),
                then: Box::new(then),
                otherwise: Box::new(otherwise),
            },
            span,
        })
    }

    pub(super) fn next_after_newlines_is(&mut self, kind: TokenKind) -> bool {
        let mut i = self.pos;
        while self.tok(i).kind == TokenKind::NewLine {
            i += 1;
        }
        self.tok(i).kind == kind
    }

    fn skip_nl_before(&mut self, kind: TokenKind) {
        if self.next_after_newlines_is(kind) {
            self.skip_nl();
        }
    }

    /// Precedence climbing; operators of one level associate to the left.
    fn binary(&mut self, min_prec: u8) -> PResult<Expr> {
        let saved = self.depth;
        let result = self.binary_chain(min_prec);
        self.depth = saved;
        result
    }

    fn binary_chain(&mut self, min_prec: u8) -> PResult<Expr> {
        let mut left = self.unary()?;
        while let Some((op, prec)) = binary_op(self.peek()) {
            if prec < min_prec {
                break;
            }
            self.chain_link()?;
            self.bump();
            let right = self.binary(prec + 1)?;
            let span = left.span.cover(right.span);
            left = Expr { kind: ExprKind::Binary { op, left: Box::new(left), right: Box::new(right) }, span };
        }
        Ok(left)
    }

    /// At most one prefix operator, as in the compiler: `--1` and `!!x` are errors.
    fn unary(&mut self) -> PResult<Expr> {
        let op = match self.peek() {
            TokenKind::Bang => UnaryOp::Not,
            TokenKind::Minus => UnaryOp::Minus,
            _ => return self.postfix_expr(),
        };
        let start = self.bump().span.start;
        let operand = self.postfix_expr()?;
        let span = Span::new(start, operand.span.end);
        Ok(Expr { kind: ExprKind::Unary { op, operand: Box::new(operand) }, span })
    }

    pub(super) fn postfix_expr(&mut self) -> PResult<Expr> {
        let saved = self.depth;
        let result = self.postfix_chain();
        self.depth = saved;
        result
    }

    fn postfix_chain(&mut self) -> PResult<Expr> {
        let mut expr = self.primary()?;
        loop {
            let op = self.peek();
            if !matches!(
                op,
                TokenKind::Dot | TokenKind::DoubleColon | TokenKind::LBracket | TokenKind::LParen | TokenKind::Bang
            ) {
                return Ok(expr);
            }
            self.chain_link()?;
            let start = expr.span.start;
            let kind = self.postfix_op(op, Box::new(expr))?;
            expr = Expr { kind, span: Span::new(start, self.last_end) };
        }
    }

    // The postfix operators live in small functions of their own: in debug builds every local
    // of a function takes stack space, and only the branch taken should sit on the recursion.
    fn postfix_op(&mut self, op: TokenKind, base: Box<Expr>) -> PResult<ExprKind> {
        match op {
            TokenKind::Dot => self.member_op(base),
            TokenKind::DoubleColon => {
                self.bump();
                let name = self.ident("a nested resource name after '::'")?;
                Ok(ExprKind::ResourceAccess { base, name })
            }
            TokenKind::LBracket => self.index_op(base),
            TokenKind::LParen => self.call_op(*base),
            _ => {
                self.bump();
                Ok(ExprKind::NonNull(base))
            }
        }
    }

    fn member_op(&mut self, base: Box<Expr>) -> PResult<ExprKind> {
        self.bump();
        let safe = self.eat(TokenKind::Question);
        let name = self.ident("a property or function name after '.'")?;
        Ok(ExprKind::Member { base, name, safe })
    }

    fn index_op(&mut self, base: Box<Expr>) -> PResult<ExprKind> {
        self.bump();
        let safe = self.eat(TokenKind::Question);
        let from_end = self.eat(TokenKind::Hat);
        let index = self.expr()?;
        self.expect(TokenKind::RBracket, "']' after the index")?;
        Ok(ExprKind::Index { base, index: Box::new(index), safe, from_end })
    }

    fn call_op(&mut self, callee: Expr) -> PResult<ExprKind> {
        let (base, name) = match callee.kind {
            ExprKind::Ident(name) => (None, name),
            ExprKind::Member { base, name, safe: false } => (Some(base), name),
            _ => {
                let span = self.cur().span;
                self.error_at(span, "expected a function name before '('");
                return Err(Fail);
            }
        };
        let args = self.call_args()?;
        Ok(ExprKind::Call { base, name, args })
    }

    /// `(args)`: separated by commas; line breaks may follow `(` and commas, and precede `)`.
    fn call_args(&mut self) -> PResult<Vec<Expr>> {
        self.bump();
        let mut args = Vec::new();
        self.skip_nl();
        while !self.eat(TokenKind::RParen) {
            args.push(self.spread_or_expr()?);
            self.skip_nl_before(TokenKind::RParen);
            match self.peek() {
                TokenKind::RParen => {}
                TokenKind::Comma => {
                    self.bump();
                    self.skip_nl();
                    if self.at(TokenKind::RParen) {
                        return Err(self.error_here("expected an argument after ','"));
                    }
                }
                _ => return Err(self.error_here("expected ',' or ')' after the argument")),
            }
        }
        Ok(args)
    }

    fn spread_or_expr(&mut self) -> PResult<Expr> {
        if self.at(TokenKind::Ellipsis) {
            let start = self.bump().span.start;
            let inner = self.expr()?;
            return Ok(Expr { span: Span::new(start, inner.span.end), kind: ExprKind::Spread(Box::new(inner)) });
        }
        self.expr()
    }

    pub(super) fn primary(&mut self) -> PResult<Expr> {
        match self.peek() {
            TokenKind::Int => Ok(self.int_literal()),
            TokenKind::Str(Piece::Complete | Piece::Head) => {
                let lit = self.string()?;
                Ok(Expr { span: lit.span, kind: ExprKind::String(lit) })
            }
            TokenKind::Ident => self.ident_or_lambda(),
            TokenKind::LParen => self.paren_or_lambda(),
            TokenKind::LBracket | TokenKind::LBrace if self.in_interpolation => {
                Err(self.error_here("expected an expression without object or array literals"))
            }
            TokenKind::LBracket => self.array(),
            TokenKind::LBrace => self.object(),
            _ => Err(self.error_here("expected an expression")),
        }
    }

    fn int_literal(&mut self) -> Expr {
        let token = self.bump();
        let kind = match self.text(&token).parse::<i64>() {
            Ok(value) => ExprKind::Int(value),
            Err(_) => {
                self.error_at(token.span, "integer literal is out of the 64-bit signed range");
                ExprKind::Error
            }
        };
        Expr { kind, span: token.span }
    }

    fn ident_or_lambda(&mut self) -> PResult<Expr> {
        let token = self.cur();
        if self.nth_raw(1) == TokenKind::Arrow {
            let name = self.ident("a lambda parameter")?;
            let params = vec![LambdaParam { name, ty: None }];
            return self.lambda_body(token.span.start, params);
        }
        self.bump();
        let kind = match self.text(&token) {
            "true" => ExprKind::Bool(true),
            "false" => ExprKind::Bool(false),
            "null" => ExprKind::Null,
            name => ExprKind::Ident(Ident { name: name.to_string(), span: token.span }),
        };
        Ok(Expr { kind, span: token.span })
    }

    /// `(expr)`, line breaks allowed just inside the parentheses; or a lambda.
    fn paren_or_lambda(&mut self) -> PResult<Expr> {
        if self.is_lambda_ahead() {
            return self.lambda();
        }
        let start = self.bump().span.start;
        self.skip_nl();
        let inner = self.expr()?;
        self.skip_nl_before(TokenKind::RParen);
        self.expect(TokenKind::RParen, "')' to close the parenthesis")?;
        Ok(Expr { kind: ExprKind::Paren(Box::new(inner)), span: Span::new(start, self.last_end) })
    }

    /// At `(`: whether `()`, `(a)` or `(a, b, …)` is followed by `=>`, scanning tokens only.
    fn is_lambda_ahead(&mut self) -> bool {
        let mut i = self.pos + 1;
        let mut next = |p: &Self| {
            while p.tok(i).kind == TokenKind::NewLine {
                i += 1;
            }
            i += 1;
            p.tok(i - 1).kind
        };
        let mut kind = next(self);
        if kind != TokenKind::RParen {
            loop {
                if kind != TokenKind::Ident {
                    return false;
                }
                kind = next(self);
                match kind {
                    TokenKind::Comma => kind = next(self),
                    TokenKind::RParen => break,
                    _ => return false,
                }
            }
        }
        next(self) == TokenKind::Arrow
    }

    fn lambda(&mut self) -> PResult<Expr> {
        // `is_lambda_ahead` has checked the shape: names separated by commas.
        let start = self.bump().span.start;
        let mut params = Vec::new();
        loop {
            self.skip_nl();
            match self.peek() {
                TokenKind::RParen => break,
                TokenKind::Comma => {
                    self.bump();
                }
                _ => params.push(LambdaParam { name: self.ident("a lambda parameter")?, ty: None }),
            }
        }
        self.bump();
        self.lambda_body(start, params)
    }

    fn lambda_body(&mut self, start: u32, params: Vec<LambdaParam>) -> PResult<Expr> {
        self.expect(TokenKind::Arrow, "'=>' after the lambda parameters")?;
        self.skip_nl_before_body();
        // A lambda body may build objects and arrays even inside an interpolation.
        let saved = std::mem::replace(&mut self.in_interpolation, false);
        let body = self.expr();
        self.in_interpolation = saved;
        let body = body?;
        let span = Span::new(start, body.span.end);
        Ok(Expr { kind: ExprKind::Lambda { params, body: Box::new(body) }, span })
    }

    /// A lambda or function body may start on the next line, unless that line starts a
    /// declaration (the body is then missing).
    pub(super) fn skip_nl_before_body(&mut self) {
        let mut i = self.pos;
        while self.tok(i).kind == TokenKind::NewLine {
            i += 1;
        }
        let next = *self.tok(i);
        if next.kind != TokenKind::Ident || !DECLARATION_KEYWORDS.contains(&self.text(&next)) {
            self.skip_nl();
        }
    }

    /// A string token, with its interpolations, as a literal.
    pub(super) fn string(&mut self) -> PResult<StringLit> {
        let head = self.bump();
        let mut parts = Vec::new();
        self.text_part(&mut parts, head);
        if head.kind == TokenKind::Str(Piece::Head) {
            // An interpolation cannot span lines, nor hold object or array literals.
            let saved = std::mem::replace(&mut self.in_interpolation, true);
            let result = self.holes(&mut parts);
            self.in_interpolation = saved;
            result?;
        }
        Ok(StringLit { parts, span: Span::new(head.span.start, self.last_end) })
    }

    /// The `${…}` holes of a string and the text after each, up to the string's tail.
    fn holes(&mut self, parts: &mut Vec<StringPart>) -> PResult<()> {
        loop {
            let expr = self.expr()?;
            parts.push(StringPart::Interpolation(Box::new(expr)));
            let token = self.cur();
            match token.kind {
                TokenKind::Str(Piece::Middle) => {
                    self.bump();
                    self.text_part(parts, token);
                }
                TokenKind::Str(Piece::Tail) => {
                    self.bump();
                    self.text_part(parts, token);
                    return Ok(());
                }
                _ => return Err(self.error_here("expected '}' to close the interpolation")),
            }
        }
    }

    fn text_part(&mut self, parts: &mut Vec<StringPart>, token: Token) {
        // Each piece is read once, so its decoded text can be moved out.
        let text = self.strings.get_mut(token.value as usize).map(std::mem::take).unwrap_or_default();
        if !text.is_empty() {
            parts.push(StringPart::Text { text, span: token.content });
        }
    }

    /// `if (condition) {…}`, the body of a resource, module or loop.
    pub(super) fn if_expr(&mut self) -> PResult<Expr> {
        let start = self.bump().span.start;
        if !self.at(TokenKind::LParen) {
            return Err(self.error_here("expected '(' after 'if'"));
        }
        // The parentheses are syntax here, not a `Paren` node.
        let condition = match self.paren_or_lambda()? {
            Expr { kind: ExprKind::Paren(inner), .. } => *inner,
            other => other,
        };
        if !self.at(TokenKind::LBrace) {
            return Err(self.error_here("expected '{' after the condition"));
        }
        let body = self.object()?;
        let span = Span::new(start, body.span.end);
        Ok(Expr { kind: ExprKind::If { condition: Box::new(condition), body: Box::new(body) }, span })
    }

    fn array(&mut self) -> PResult<Expr> {
        let start = self.bump().span.start;
        let mut i = self.pos;
        while self.tok(i).kind == TokenKind::NewLine {
            i += 1;
        }
        let token = *self.tok(i);
        if token.kind == TokenKind::Ident
            && self.text(&token) == "for"
            && matches!(self.tok(i + 1).kind, TokenKind::Ident | TokenKind::LParen)
        {
            return self.for_expr(start, false);
        }
        let items = self.list(TokenKind::RBracket, "array", |p| p.spread_or_expr())?;
        Ok(Expr { kind: ExprKind::Array(items), span: Span::new(start, self.last_end) })
    }

    /// `[for item in xs: body]` after the `[`; in a resource or module the body is an object
    /// or `if (…) {…}`.
    pub(super) fn for_expr(&mut self, start: u32, resource_body: bool) -> PResult<Expr> {
        self.skip_nl();
        if !self.at_word("for") {
            return Err(self.error_here("expected 'for'"));
        }
        self.bump();
        let (item, index) = if self.eat(TokenKind::LParen) {
            let item = self.ident("a loop item name")?;
            self.expect(TokenKind::Comma, "',' after the loop item name")?;
            let index = self.ident("a loop index name")?;
            self.expect(TokenKind::RParen, "')' after the loop index name")?;
            (item, Some(index))
        } else {
            (self.ident("a loop item name or '('")?, None)
        };
        if !self.at_word("in") {
            return Err(self.error_here("expected 'in' after the loop variable"));
        }
        self.bump();
        let iterable = self.expr()?;
        self.expect(TokenKind::Colon, "':' after the loop expression")?;
        let body = if !resource_body {
            self.expr()?
        } else if self.at(TokenKind::LBrace) {
            self.object()?
        } else if self.at_word("if") {
            self.if_expr()?
        } else {
            return Err(self.error_here("expected '{' or 'if' for the loop body"));
        };
        self.skip_nl();
        self.expect(TokenKind::RBracket, "']' to close the loop")?;
        Ok(Expr {
            kind: ExprKind::For {
                item: Some(Box::new(item)),
                index: index.map(Box::new),
                iterable: Box::new(iterable),
                body: Box::new(body),
            },
            span: Span::new(start, self.last_end),
        })
    }

    pub(super) fn object(&mut self) -> PResult<Expr> {
        let start = self.bump().span.start;
        let items = self.list(TokenKind::RBrace, "object", |p| p.object_item())?;
        Ok(Expr { kind: ExprKind::Object(items), span: Span::new(start, self.last_end) })
    }

    fn object_item(&mut self) -> PResult<ObjectItem> {
        let start = self.cur().span.start;
        if self.at(TokenKind::Ellipsis) {
            return Ok(ObjectItem::Spread(self.spread_or_expr()?));
        }
        let decorators = self.decorators()?;
        if self.at_word("resource")
            && self.nth_raw(1) == TokenKind::Ident
            && matches!(self.nth_raw(2), TokenKind::Str(_))
        {
            return self.nested_resource(start, decorators);
        }
        let key = self.object_key()?;
        self.expect(TokenKind::Colon, "':' after the property name")?;
        let value = self.expr()?;
        Ok(ObjectItem::Property(ObjectProperty { decorators, key, value, span: Span::new(start, self.last_end) }))
    }

    fn nested_resource(&mut self, start: u32, decorators: Vec<Decorator>) -> PResult<ObjectItem> {
        let kind = self.resource()?;
        let span = Span::new(start, self.last_end);
        Ok(ObjectItem::Resource(Box::new(Statement { decorators, kind, span })))
    }

    pub(super) fn object_key(&mut self) -> PResult<ObjectKey> {
        match self.peek() {
            TokenKind::Ident => Ok(ObjectKey::Ident(self.ident("a property name")?)),
            TokenKind::Str(Piece::Complete | Piece::Head) => Ok(ObjectKey::String(self.string()?)),
            _ => Err(self.error_here("expected a property name")),
        }
    }

    /// Items of an array, object, object type or tuple (after the opening bracket), separated
    /// by line breaks or commas. A bad item is skipped up to the next separator.
    pub(super) fn list<T>(
        &mut self,
        close: TokenKind,
        what: &str,
        mut item: impl FnMut(&mut Self) -> PResult<T>,
    ) -> PResult<Vec<T>> {
        let mut items = Vec::new();
        loop {
            self.skip_nl();
            let kind = self.peek();
            if kind == close {
                self.bump();
                return Ok(items);
            }
            // Any other closer (one `skip_item` would stop at) belongs to an outer construct.
            if matches!(
                kind,
                TokenKind::Eof
                    | TokenKind::RParen
                    | TokenKind::RBracket
                    | TokenKind::RBrace
                    | TokenKind::Str(Piece::Tail)
            ) {
                let closer = if close == TokenKind::RBrace { "'}'" } else { "']'" };
                return Err(self.error_here(&format!("expected {closer} to close the {what}")));
            }
            let before = self.pos;
            match item(self) {
                Ok(value) => items.push(value),
                Err(fail) => {
                    if self.fatal {
                        return Err(fail);
                    }
                    self.skip_item();
                }
            }
            match self.peek() {
                TokenKind::Comma => {
                    self.bump();
                    // Items on separate lines are separated by the line break alone.
                    if self.at(TokenKind::NewLine) {
                        let span = self.cur().span;
                        self.error_at(span, "unexpected new line after a comma");
                    }
                }
                TokenKind::NewLine => {}
                next if next == close => {}
                _ => {
                    self.error_here(&format!("expected a new line or ',' after the {what} item"));
                    self.skip_item();
                    self.eat(TokenKind::Comma);
                }
            }
            // Every round must consume something; what cannot be skipped here is left to
            // the enclosing construct.
            if self.pos == before {
                return Err(Fail);
            }
        }
    }

    fn skip_item(&mut self) {
        self.skip_until(|kind| matches!(kind, TokenKind::NewLine | TokenKind::Comma));
    }
}
