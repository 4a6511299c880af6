//! An owned JSON tree with a byte span on every value and every property name.

use crate::span::Span;
use jsonc_parser::ast;

#[derive(Debug, Clone, PartialEq)]
pub struct Json {
    pub kind: JsonKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum JsonKind {
    Null,
    Bool(bool),
    Int(i64),
    /// A number that is not a 64-bit integer, kept as written.
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<JsonMember>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct JsonMember {
    pub name: String,
    pub name_span: Span,
    pub value: Json,
}

impl Json {
    /// The first member with this name, compared without regard to case as ARM does.
    pub fn get(&self, name: &str) -> Option<&Json> {
        self.member(name).map(|m| &m.value)
    }

    pub fn member(&self, name: &str) -> Option<&JsonMember> {
        match &self.kind {
            JsonKind::Object(members) => members.iter().find(|m| m.name.eq_ignore_ascii_case(name)),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            JsonKind::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Json]> {
        match &self.kind {
            JsonKind::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[JsonMember]> {
        match &self.kind {
            JsonKind::Object(members) => Some(members),
            _ => None,
        }
    }
}

fn span(range: jsonc_parser::common::Range) -> Span {
    Span::from(range.start..range.end)
}

pub(super) fn from_ast(value: ast::Value<'_>) -> Json {
    match value {
        ast::Value::NullKeyword(n) => Json { kind: JsonKind::Null, span: span(n.range) },
        ast::Value::BooleanLit(b) => Json { kind: JsonKind::Bool(b.value), span: span(b.range) },
        ast::Value::NumberLit(n) => {
            let kind = match n.value.parse::<i64>() {
                Ok(i) => JsonKind::Int(i),
                Err(_) => JsonKind::Number(n.value.to_string()),
            };
            Json { kind, span: span(n.range) }
        }
        ast::Value::StringLit(s) => Json { kind: JsonKind::String(s.value.into_owned()), span: span(s.range) },
        ast::Value::Array(a) => {
            Json { kind: JsonKind::Array(a.elements.into_iter().map(from_ast).collect()), span: span(a.range) }
        }
        ast::Value::Object(o) => {
            let members = o
                .properties
                .into_iter()
                .map(|p| {
                    let name_span = match &p.name {
                        ast::ObjectPropName::String(s) => span(s.range),
                        ast::ObjectPropName::Word(w) => span(w.range),
                    };
                    JsonMember { name: p.name.into_string(), name_span, value: from_ast(p.value) }
                })
                .collect();
            Json { kind: JsonKind::Object(members), span: span(o.range) }
        }
    }
}
