//! The Bicep syntax tree, for `.bicep` and `.bicepparam` alike. It follows the shape of the
//! compiler's own syntax (src/Bicep.Core/Syntax) but drops punctuation tokens: every node keeps
//! the byte span it was parsed from, which is all later stages need.

use crate::span::Span;

/// A whole file: its statements in source order.
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    pub statements: Vec<Statement>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// `@name(args)` before a statement, an object property or a type member. The expression is a
/// call, possibly namespaced (`@sys.description('…')`).
#[derive(Debug, Clone, PartialEq)]
pub struct Decorator {
    pub expr: Expr,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub decorators: Vec<Decorator>,
    pub kind: StatementKind,
    /// From the first decorator (or keyword) to the end of the statement.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StatementKind {
    /// `targetScope = 'subscription'`
    TargetScope { value: Expr },
    /// `metadata name = value`
    Metadata { name: Ident, value: Expr },
    /// `.bicep`: `param name type [= default]`; `.bicepparam`: `param name = value` (no type).
    Param { name: Ident, ty: Option<DeclaredType>, value: Option<Expr> },
    /// `var name [type] = value`
    Var { name: Ident, ty: Option<TypeExpr>, value: Expr },
    /// `resource name 'Type@version' [existing] = body`; the body is an object, an
    /// `if (…) {…}` or a `[for …: …]` expression.
    Resource { name: Ident, type_string: StringLit, existing: bool, body: Expr },
    /// `module name 'path' = body`
    Module { name: Ident, path: StringLit, body: Expr },
    /// `output name type = value` (also `output name resource 'Type@v' = value`).
    Output { name: Ident, ty: DeclaredType, value: Expr },
    /// `type name = type`
    Type { name: Ident, value: TypeExpr },
    /// `func name(params) returnType => body`
    Func { name: Ident, params: Vec<LambdaParam>, return_ty: TypeExpr, body: Expr },
    /// Every `import` form: `import {a, b as c} from 'f'`, `import * as ns from 'f'`, and the
    /// older provider form `import 'az@1.0.0' [with {…}] [as alias]`.
    Import { clause: ImportClause, source: Expr, config: Option<Expr>, alias: Option<Ident> },
    /// `extension name|'spec' [with {…}] [as alias]`, and its older spelling `provider`.
    Extension { keyword: Ident, spec: Expr, config: Option<Expr>, alias: Option<Ident> },
    /// `.bicepparam`: `extensionConfig name with {…}`
    ExtensionConfig { name: Ident, config: Expr },
    /// `assert name = condition`
    Assert { name: Ident, value: Expr },
    /// `test name 'path' = {…}`
    Test { name: Ident, path: StringLit, body: Expr },
    /// `.bicepparam`: `using 'main.bicep'` or `using none` (`path` is `None`), optionally
    /// `with {…}` (deployment configuration).
    Using { path: Option<StringLit>, config: Option<Expr> },
    /// `.bicepparam`: `extends 'base.bicepparam'`
    Extends { path: StringLit },
    /// A line the parser could not read; its error is in the parse result.
    Error,
}

/// The declared type of a `param` or `output`.
#[derive(Debug, Clone, PartialEq)]
pub enum DeclaredType {
    Type(TypeExpr),
    /// `resource 'Type@version'`
    Resource(StringLit),
}

#[derive(Debug, Clone, PartialEq)]
pub enum ImportClause {
    /// The older provider form `import 'az@1.0.0'`: nothing is named.
    None,
    /// `import * as ns from …`
    Wildcard { alias: Ident },
    /// `import {a, b as c} from …`
    Named(Vec<ImportItem>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImportItem {
    /// The name in the source file; a string when quoted (`{'a-b' as c}`).
    pub name: Ident,
    pub alias: Option<Ident>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Null,
    Bool(bool),
    /// Bicep integers are 64-bit signed; a literal is never negative (`-1` is unary minus).
    Int(i64),
    String(StringLit),
    /// A reference to a parameter, variable, resource, module, function parameter or loop item.
    Ident(Ident),
    Array(Vec<ArrayItem>),
    Object(Vec<ObjectItem>),
    /// `base.name`, or `base.?name` when `safe`.
    Member {
        base: Box<Expr>,
        name: Ident,
        safe: bool,
    },
    /// `base::name` (nested resource access)
    ResourceAccess {
        base: Box<Expr>,
        name: Ident,
    },
    /// `base[index]`; `[?i]` is `safe`, `[^i]` is `from_end`.
    Index {
        base: Box<Expr>,
        index: Box<Expr>,
        safe: bool,
        from_end: bool,
    },
    /// `name(args)`, or `base.name(args)` for a namespaced or instance call (`sys.concat(…)`,
    /// `az.resourceGroup()`, `vault.getSecret('x')`).
    Call {
        base: Option<Box<Expr>>,
        name: Ident,
        args: Vec<Expr>,
    },
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `condition ? then : otherwise`
    Ternary {
        condition: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    /// Postfix non-null assertion `base!`.
    NonNull(Box<Expr>),
    Paren(Box<Expr>),
    /// `x => body`, `(x, y) => body`, typed in `func`: `(x string) string => body`.
    Lambda {
        params: Vec<LambdaParam>,
        body: Box<Expr>,
    },
    /// `[for item in iterable: body]`, `[for (item, index) in …: body]`.
    For {
        // Boxed: a loop is rare, and its two names would make every expression node larger.
        item: Option<Box<Ident>>,
        index: Option<Box<Ident>>,
        iterable: Box<Expr>,
        body: Box<Expr>,
    },
    /// `if (condition) body`: only as the body of a resource or module (or of a `for` there).
    If {
        condition: Box<Expr>,
        body: Box<Expr>,
    },
    /// `...expr` inside an array or object literal, or in call arguments.
    Spread(Box<Expr>),
    /// Where an expression was expected but could not be parsed; the error is reported.
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    Minus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Coalesce,
    Or,
    And,
    Equals,
    NotEquals,
    EqualsInsensitive,
    NotEqualsInsensitive,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulo,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LambdaParam {
    pub name: Ident,
    pub ty: Option<TypeExpr>,
}

/// An element of an array literal: an expression, or a spread `...expr` (as `ExprKind::Spread`).
pub type ArrayItem = Expr;

#[derive(Debug, Clone, PartialEq)]
pub enum ObjectItem {
    Property(ObjectProperty),
    /// `...expr`
    Spread(Expr),
    /// A nested `resource` declaration inside a resource body.
    Resource(Box<Statement>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ObjectProperty {
    pub decorators: Vec<Decorator>,
    pub key: ObjectKey,
    pub value: Expr,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ObjectKey {
    Ident(Ident),
    String(StringLit),
}

impl ObjectKey {
    /// The key's text when it is known without evaluation (an identifier or a plain string).
    pub fn literal(&self) -> Option<&str> {
        match self {
            ObjectKey::Ident(ident) => Some(&ident.name),
            ObjectKey::String(s) => s.as_literal(),
        }
    }

    pub fn span(&self) -> Span {
        match self {
            ObjectKey::Ident(ident) => ident.span,
            ObjectKey::String(s) => s.span,
        }
    }
}

/// A string literal: `'…'` with escapes and `${…}` interpolation, `'''…'''` verbatim, or
/// `$'''…${…}…'''` (with as many `$` as the interpolation marker needs).
#[derive(Debug, Clone, PartialEq)]
pub struct StringLit {
    pub parts: Vec<StringPart>,
    pub span: Span,
}

impl StringLit {
    /// The decoded text of a string without interpolation.
    pub fn as_literal(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [] => Some(""),
            [StringPart::Text { text, .. }] => Some(text),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum StringPart {
    /// Decoded text (escapes resolved); `span` covers its source bytes.
    Text {
        text: String,
        span: Span,
    },
    Interpolation(Box<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct TypeExpr {
    pub kind: TypeKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// `string`, `myType`
    Ident(Ident),
    /// `ns.typeName`, `myType.property`, `resourceInput<'T@v'>.properties.x`
    Member {
        base: Box<TypeExpr>,
        name: Ident,
    },
    /// `myTuple[0]`
    Index {
        base: Box<TypeExpr>,
        index: Box<Expr>,
    },
    /// `myArray[*]` (the element type)
    Element(Box<TypeExpr>),
    /// `T[]`
    Array(Box<TypeExpr>),
    /// `T?`
    Nullable(Box<TypeExpr>),
    /// `T!`: the type without `null`.
    NonNull(Box<TypeExpr>),
    /// `'a' | 'b'` (also with a leading `|`)
    Union(Vec<TypeExpr>),
    /// A literal type: `'a'`, `1`, `-1`, `true`, `null`.
    Literal(Expr),
    Object(Vec<ObjectTypeMember>),
    Tuple(Vec<TupleTypeItem>),
    Paren(Box<TypeExpr>),
    /// `resourceInput<'T@v'>`, `resourceOutput<'T@v'>`, `resource<'T@v'>`
    Parameterized {
        name: Ident,
        args: Vec<TypeExpr>,
    },
    Error,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ObjectTypeMember {
    pub decorators: Vec<Decorator>,
    /// `None` for the additional-properties member `*: T`.
    pub key: Option<ObjectKey>,
    /// `name?: T`
    pub optional: bool,
    pub ty: TypeExpr,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TupleTypeItem {
    pub decorators: Vec<Decorator>,
    pub ty: TypeExpr,
    pub span: Span,
}

/// A comment, kept for suppressions and tooling.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    pub span: Span,
    pub block: bool,
}

/// `#disable-next-line code…` and similar pragmas, kept for inline suppressions.
#[derive(Debug, Clone, PartialEq)]
pub struct Directive {
    /// `disable-next-line`, `disable-diagnostics`, `restore-diagnostics`
    pub name: String,
    pub codes: Vec<Ident>,
    pub span: Span,
}
