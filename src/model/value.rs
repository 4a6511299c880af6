//! The values the evaluator computes and rules read. Every node remembers where it was written
//! (`origin`) and where its content came from (`trace`). What cannot be computed statically is
//! `Unknown`: the reason, and the expression it stands for (see `sym`).

use crate::model::{ResourceId, Sym, TraceStep, Unknown};
use crate::source::Origin;

#[derive(Debug, Clone)]
pub struct Node {
    pub value: Value,
    /// The expression that produced this value, in the file where the resource is written.
    pub origin: Origin,
    /// Where the value was defined, outermost first (e.g. the parameter default it came from).
    pub trace: Vec<TraceStep>,
}

/// Nodes compare by value: where a value was written does not change what it is.
impl PartialEq for Node {
    fn eq(&self, other: &Node) -> bool {
        self.value == other.value
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    String(String),
    /// A string of which only parts are known, e.g. `'${prefix}-pg'` with `prefix` unknown.
    Partial(Vec<StrPart>),
    Array(Vec<Node>),
    Object(Vec<(String, Node)>),
    /// The identity of a resource: `server.id` in Bicep, `resourceId(…)` in ARM.
    ResourceId(Box<ResourceId>),
    Unknown(Unknown),
}

#[derive(Debug, Clone, PartialEq)]
pub enum StrPart {
    Text(String),
    Unknown(Unknown),
}

/// A three-valued answer to a question about values.
#[derive(Debug, Clone, PartialEq)]
pub enum Tri {
    Yes,
    No,
    Unknown(Unknown),
}

/// The key under which an object keeps an unknown spread (`{ ...props }`).
pub const UNKNOWN_SPREAD: &str = "...";

/// A partly known string keeps at most this many parts: values doubled from variable to
/// variable keep only their known ends.
const MAX_PARTS: usize = 64;

impl Node {
    pub fn new(value: Value, origin: Origin) -> Self {
        Node { value, origin, trace: Vec::new() }
    }

    pub fn unknown(unknown: Unknown, origin: Origin) -> Self {
        Node::new(Value::Unknown(unknown), origin)
    }

    /// The member `key` of an object, compared without regard to case as ARM does.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Object(members) => members.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, n)| n),
            _ => None,
        }
    }

    /// The same value used at `origin`: it is reported there; where it came from stays in
    /// its trace.
    pub fn at(mut self, origin: Origin) -> Node {
        self.origin = origin;
        self
    }

    /// The value with `step` as the outermost step of its trace.
    pub fn traced(mut self, step: TraceStep) -> Node {
        if self.trace.first() != Some(&step) {
            self.trace.insert(0, step);
            crate::model::bound_trace(&mut self.trace);
        }
        self
    }

    /// Whether any step of its trace marks the value as a secure input.
    pub fn is_secure(&self) -> bool {
        self.trace.iter().any(TraceStep::is_secure)
    }
}

impl Value {
    /// An unknown with no symbol: a value known only at deployment, or not computed.
    pub fn unknown(reason: impl Into<std::sync::Arc<str>>, origin: Origin) -> Value {
        Value::Unknown(Unknown::opaque(reason, origin))
    }

    /// The value as a message shows it: `'Disabled'`, `7`, `an object`.
    pub fn describe(&self) -> String {
        match self {
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::String(s) => format!("'{s}'"),
            Value::Array(_) => "an array".into(),
            Value::Object(_) => "an object".into(),
            Value::Partial(_) => "a partly known string".into(),
            Value::ResourceId(id) => format!("the id of a `{}`", id.resource_type),
            Value::Unknown(_) => "unknown".into(),
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The first unknown that keeps this value from being fully known, if any.
    pub fn first_unknown(&self) -> Option<&Unknown> {
        match self {
            Value::Unknown(u) => Some(u),
            Value::Partial(parts) => parts.iter().find_map(|p| match p {
                StrPart::Unknown(u) => Some(u),
                StrPart::Text(_) => None,
            }),
            Value::ResourceId(id) => id.name.first_unknown(),
            _ => None,
        }
    }

    /// Whether the value is a non-empty string (or id): a partial string with any text is.
    pub fn is_non_empty_string(&self) -> Tri {
        match self {
            // Spaces only say nothing: no setting, no name, no list element.
            Value::String(s) => Tri::from(!s.trim().is_empty()),
            Value::ResourceId(_) => Tri::Yes,
            Value::Partial(parts) => {
                if parts.iter().any(|p| matches!(p, StrPart::Text(t) if !t.trim().is_empty())) {
                    Tri::Yes
                } else {
                    self.first_unknown().cloned().map_or(Tri::No, Tri::Unknown)
                }
            }
            Value::Unknown(u) => Tri::Unknown(u.clone()),
            _ => Tri::No,
        }
    }

    /// Whether the value is bigger than `limit` (nodes, plus string bytes / 16): templates
    /// can double a value in each variable, and the evaluator must not follow them to the end.
    pub fn exceeds(&self, limit: usize) -> bool {
        fn weigh(value: &Value, budget: &mut usize) -> bool {
            let cost = 1 + match value {
                Value::String(s) => s.len() / 16,
                Value::Partial(parts) => parts.len(),
                _ => 0,
            };
            if *budget < cost {
                return true;
            }
            *budget -= cost;
            match value {
                Value::Array(items) => items.iter().any(|n| weigh(&n.value, budget)),
                Value::Object(members) => members.iter().any(|(_, n)| weigh(&n.value, budget)),
                _ => false,
            }
        }
        let mut budget = limit;
        weigh(self, &mut budget)
    }

    /// Whether `needle` occurs anywhere in this value (an id passed inside an object or array).
    pub fn mentions(&self, needle: &Value) -> bool {
        match self {
            Value::Array(items) => items.iter().any(|n| n.value.mentions(needle)),
            Value::Object(members) => members.iter().any(|(_, n)| n.value.mentions(needle)),
            other => crate::model::compare::loosely_equals(other, needle) == Tri::Yes,
        }
    }

    /// Concatenates string-like values, keeping what is known of each.
    pub fn concat(parts: Vec<Value>, origin: Origin) -> Value {
        let mut out: Vec<StrPart> = Vec::new();
        for part in parts {
            match part {
                Value::String(s) => push_text(&mut out, &s),
                Value::Int(i) => push_text(&mut out, &i.to_string()),
                Value::Bool(b) => push_text(&mut out, if b { "True" } else { "False" }),
                Value::Null => {}
                Value::Partial(inner) => {
                    for p in inner {
                        match p {
                            StrPart::Text(t) => push_text(&mut out, &t),
                            unknown => out.push(unknown),
                        }
                    }
                }
                Value::Unknown(u) => out.push(StrPart::Unknown(u)),
                Value::ResourceId(id) => {
                    // The id's text: its scope is known only at deployment, but it is a
                    // function of the id, so two uses of one id give the same text.
                    let sym = Sym::call("string", vec![Value::ResourceId(id)]);
                    out.push(StrPart::Unknown(Unknown::symbolic(
                        "a resource id's subscription and resource group are known only at deployment",
                        origin,
                        sym,
                    )))
                }
                Value::Array(_) | Value::Object(_) => {
                    return Value::unknown("an array or object used as a string", origin);
                }
            }
        }
        if out.len() > MAX_PARTS {
            // The kept unknown stands for the whole middle: it is no value of its own.
            let first = out.iter().find_map(|p| match p {
                StrPart::Unknown(u) => Some(Unknown { sym: None, options: None, bounds: None, ..u.clone() }),
                StrPart::Text(_) => None,
            });
            let head = match out.first() {
                Some(StrPart::Text(t)) => Some(StrPart::Text(t.clone())),
                _ => None,
            };
            let tail = match out.last() {
                Some(StrPart::Text(t)) => Some(StrPart::Text(t.clone())),
                _ => None,
            };
            out = head.into_iter().chain(first.map(StrPart::Unknown)).chain(tail).collect();
        }
        match out.as_slice() {
            [] => Value::String(String::new()),
            [StrPart::Text(t)] => Value::String(t.clone()),
            [StrPart::Unknown(u)] => Value::Unknown(u.clone()),
            _ => Value::Partial(out),
        }
    }
}

fn push_text(out: &mut Vec<StrPart>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(StrPart::Text(last)) = out.last_mut() {
        last.push_str(text);
    } else {
        out.push(StrPart::Text(text.to_string()));
    }
}

impl Tri {
    /// Three-valued conjunction: no wins, then unknown.
    pub fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::No, _) | (_, Tri::No) => Tri::No,
            (Tri::Unknown(u), _) | (_, Tri::Unknown(u)) => Tri::Unknown(u),
            _ => Tri::Yes,
        }
    }

    pub fn negated(self) -> Tri {
        match self {
            Tri::Yes => Tri::No,
            Tri::No => Tri::Yes,
            u => u,
        }
    }

    /// As a template value: `true`, `false`, or the unknown.
    pub fn to_value(self) -> Value {
        match self {
            Tri::Yes => Value::Bool(true),
            Tri::No => Value::Bool(false),
            Tri::Unknown(u) => Value::Unknown(u),
        }
    }
}

impl From<bool> for Tri {
    fn from(b: bool) -> Self {
        if b { Tri::Yes } else { Tri::No }
    }
}
