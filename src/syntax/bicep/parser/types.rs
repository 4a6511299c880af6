//! Type expressions: names, `ns.type`, `T[]`, `T?`, `T[*]`, `T[0]`, unions, literal types,
//! object types, tuples and `resourceInput<'T@v'>`-style parameterised types.

use super::{PResult, Parser};
use crate::span::Span;
use crate::syntax::bicep::ast::{Expr, ExprKind, Ident, ObjectTypeMember, TupleTypeItem, TypeExpr, TypeKind, UnaryOp};
use crate::syntax::bicep::lexer::{Piece, TokenKind};

impl Parser<'_> {
    pub(super) fn type_expr(&mut self) -> PResult<TypeExpr> {
        let saved = self.depth;
        let result = self.nested(|p| p.union_type());
        self.depth = saved;
        result
    }

    /// `A | B | C`, optionally with a leading `|`; members may sit on their own lines.
    fn union_type(&mut self) -> PResult<TypeExpr> {
        if self.at(TokenKind::NewLine) && self.next_after_newlines_is(TokenKind::Pipe) {
            self.skip_nl();
        }
        let start = self.cur().span.start;
        let leading = self.eat(TokenKind::Pipe);
        let first = self.postfix_type()?;
        if !leading && !self.next_after_newlines_is(TokenKind::Pipe) {
            return Ok(first);
        }
        let mut members = vec![first];
        // A union is a flat list, so its length does not count towards the nesting bound.
        while self.next_after_newlines_is(TokenKind::Pipe) {
            self.skip_nl();
            self.bump();
            members.push(self.postfix_type()?);
        }
        Ok(TypeExpr { kind: TypeKind::Union(members), span: Span::new(start, self.last_end) })
    }

    fn postfix_type(&mut self) -> PResult<TypeExpr> {
        let mut ty = self.primary_type()?;
        loop {
            let start = ty.span.start;
            let kind = match self.peek() {
                TokenKind::LBracket => {
                    self.chain_link()?;
                    self.bump();
                    self.bracket_suffix(ty)?
                }
                TokenKind::Question => {
                    self.chain_link()?;
                    self.bump();
                    TypeKind::Nullable(Box::new(ty))
                }
                TokenKind::Bang => {
                    self.chain_link()?;
                    self.bump();
                    TypeKind::NonNull(Box::new(ty))
                }
                TokenKind::Dot => {
                    self.chain_link()?;
                    self.bump();
                    if self.at(TokenKind::Star) {
                        // `T.*`, the additional-properties type, reads as a member named `*`.
                        let star = self.bump().span;
                        let name = Ident { name: "*".to_string(), span: star };
                        TypeKind::Member { base: Box::new(ty), name }
                    } else {
                        let name = self.ident("a type or property name after '.'")?;
                        if self.at(TokenKind::Lt) {
                            // `sys.resourceInput<…>`: the namespace adds nothing to the type.
                            self.type_args(name)?
                        } else {
                            TypeKind::Member { base: Box::new(ty), name }
                        }
                    }
                }
                _ => return Ok(ty),
            };
            ty = TypeExpr { span: Span::new(start, self.last_end), kind };
        }
    }

    /// After `T[`: `T[]`, `T[*]` or `T[index]`.
    fn bracket_suffix(&mut self, ty: TypeExpr) -> PResult<TypeKind> {
        if self.eat(TokenKind::RBracket) {
            return Ok(TypeKind::Array(Box::new(ty)));
        }
        if self.at(TokenKind::Star) && self.nth_raw(1) == TokenKind::RBracket {
            self.bump();
            self.bump();
            return Ok(TypeKind::Element(Box::new(ty)));
        }
        let index = self.expr()?;
        self.expect(TokenKind::RBracket, "']' after the type index")?;
        Ok(TypeKind::Index { base: Box::new(ty), index: Box::new(index) })
    }

    fn primary_type(&mut self) -> PResult<TypeExpr> {
        let token = self.cur();
        let start = token.span.start;
        let kind = match token.kind {
            TokenKind::Ident => {
                let name = self.ident("a type")?;
                match name.name.as_str() {
                    "true" => literal(ExprKind::Bool(true), name.span),
                    "false" => literal(ExprKind::Bool(false), name.span),
                    "null" => literal(ExprKind::Null, name.span),
                    _ if self.at(TokenKind::Lt) => self.type_args(name)?,
                    _ => TypeKind::Ident(name),
                }
            }
            TokenKind::Str(Piece::Complete | Piece::Head) => {
                let lit = self.string()?;
                literal(ExprKind::String(lit), Span::new(start, self.last_end))
            }
            TokenKind::Int | TokenKind::Minus | TokenKind::Bang => TypeKind::Literal(self.literal_operand()?),
            TokenKind::LBrace => {
                self.bump();
                TypeKind::Object(self.list(TokenKind::RBrace, "object type", |p| p.type_member())?)
            }
            TokenKind::LBracket => {
                self.bump();
                TypeKind::Tuple(self.list(TokenKind::RBracket, "tuple type", |p| p.tuple_item())?)
            }
            TokenKind::LParen => {
                self.bump();
                let inner = self.type_expr()?;
                self.expect(TokenKind::RParen, "')' to close the type")?;
                TypeKind::Paren(Box::new(inner))
            }
            _ => return Err(self.error_here("expected a type")),
        };
        Ok(TypeExpr { kind, span: Span::new(start, self.last_end) })
    }

    /// `-1`, `!true` and plain ints as literal types.
    fn literal_operand(&mut self) -> PResult<Expr> {
        let token = self.cur();
        let op = match token.kind {
            TokenKind::Minus => UnaryOp::Minus,
            TokenKind::Bang => UnaryOp::Not,
            _ => return self.primary(),
        };
        self.bump();
        let operand = self.nested(|p| p.literal_operand())?;
        Ok(Expr {
            span: Span::new(token.span.start, operand.span.end),
            kind: ExprKind::Unary { op, operand: Box::new(operand) },
        })
    }

    /// `name<T, …>`; line breaks may follow `<` and commas, and precede `>`.
    fn type_args(&mut self, name: Ident) -> PResult<TypeKind> {
        self.bump();
        let mut args = Vec::new();
        self.skip_nl();
        while !self.eat(TokenKind::Gt) {
            args.push(self.type_expr()?);
            self.skip_nl();
            if self.eat(TokenKind::Comma) {
                self.skip_nl();
            } else if !self.at(TokenKind::Gt) {
                return Err(self.error_here("expected ',' or '>' after the type argument"));
            }
        }
        Ok(TypeKind::Parameterized { name, args })
    }

    fn type_member(&mut self) -> PResult<ObjectTypeMember> {
        let start = self.cur().span.start;
        let decorators = self.decorators()?;
        let key = if self.eat(TokenKind::Star) { None } else { Some(self.object_key()?) };
        let optional = self.eat(TokenKind::Question);
        self.expect(TokenKind::Colon, "':' after the property name")?;
        let ty = self.type_expr()?;
        Ok(ObjectTypeMember { decorators, key, optional, ty, span: Span::new(start, self.last_end) })
    }

    fn tuple_item(&mut self) -> PResult<TupleTypeItem> {
        let start = self.cur().span.start;
        let decorators = self.decorators()?;
        let ty = self.type_expr()?;
        Ok(TupleTypeItem { decorators, ty, span: Span::new(start, self.last_end) })
    }
}

fn literal(kind: ExprKind, span: Span) -> TypeKind {
    TypeKind::Literal(Expr { kind, span })
}
