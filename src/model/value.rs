//! The values the evaluator computes and rules read. Every node remembers where it was written
//! (`origin`) and where its content came from (`trace`: a variable, a parameter default, a
//! module's caller). What cannot be computed statically is `Unknown`, with the reason.

use crate::source::Origin;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    /// The expression that produced this value, in the file where the resource is written.
    pub origin: Origin,
    /// Where the value was defined, outermost first (e.g. the parameter default it came from).
    pub trace: Vec<TraceStep>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TraceStep {
    pub origin: Origin,
    /// e.g. "parameter `sslMode` defaults to this", "variable `tier`"
    pub label: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    String(String),
    /// A string of which only parts are known, e.g. `'${prefix}-pg'` with `prefix` unknown.
    /// It is known not to be empty when any text part is non-empty.
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

#[derive(Debug, Clone, PartialEq)]
pub struct ResourceId {
    /// Full resource type, e.g. `Microsoft.DBforPostgreSQL/flexibleServers`.
    pub resource_type: String,
    /// Full name, segments joined by `/` (`server/rule`), possibly partial.
    pub name: Value,
    /// The subscription and resource group the id names (`resourceId(sub, rg, …)`, a literal
    /// `/subscriptions/…` id); `None` for the deployment's own.
    pub subscription: Option<Value>,
    pub resource_group: Option<Value>,
    /// The resource instance (its index in the deployment) when it came from a symbolic
    /// reference such as `server.id`.
    pub target: Option<usize>,
}

impl ResourceId {
    /// An id in the deployment's own subscription and resource group.
    pub fn local(resource_type: String, name: Value, target: Option<usize>) -> Self {
        ResourceId { resource_type, name, subscription: None, resource_group: None, target }
    }

    /// Whether two ids name the same resource, three-valued: an id naming another
    /// subscription or resource group cannot be compared with a local one, whose scope is
    /// known only at deployment.
    pub fn same_resource(&self, other: &ResourceId) -> Tri {
        if !self.resource_type.eq_ignore_ascii_case(&other.resource_type) {
            return Tri::No;
        }
        if let (Some(x), Some(y)) = (self.target, other.target) {
            return Tri::from(x == y);
        }
        let scope = |a: &Option<Value>, b: &Option<Value>, what: &str| match (a, b) {
            (None, None) => Tri::Yes,
            (Some(x), Some(y)) => x.loosely_equals(y),
            (Some(named), None) | (None, Some(named)) => Tri::Unknown(Unknown {
                reason: format!(
                    "the id names the {what} {}; the deployment's own is known only at deployment",
                    named.describe()
                ),
                origin: Origin::default(),
                source: None,
            }),
        };
        let names = self.name.loosely_equals(&other.name);
        if names == Tri::No {
            return Tri::No;
        }
        names.and(scope(&self.resource_group, &other.resource_group, "resource group")).and(scope(
            &self.subscription,
            &other.subscription,
            "subscription",
        ))
    }

    /// Reads a literal id `/subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/{type}/{name}…`
    /// (not an extension resource's id, which names two providers).
    pub fn parse(text: &str) -> Option<ResourceId> {
        let rest = text.strip_prefix('/')?;
        let parts: Vec<&str> = rest.split('/').collect();
        let providers = parts.iter().position(|p| p.eq_ignore_ascii_case("providers"))?;
        if parts[providers + 1..].iter().any(|p| p.eq_ignore_ascii_case("providers")) {
            return None;
        }
        let mut id = ResourceId::local(String::new(), Value::Null, None);
        for pair in parts[..providers].chunks(2) {
            match pair {
                [key, value] if key.eq_ignore_ascii_case("subscriptions") => {
                    id.subscription = Some(Value::String(value.to_string()))
                }
                [key, value] if key.eq_ignore_ascii_case("resourceGroups") => {
                    id.resource_group = Some(Value::String(value.to_string()))
                }
                _ => return None,
            }
        }
        let tail = &parts[providers + 1..];
        // namespace, then alternating type and name segments
        if tail.len() < 3 || tail.len().is_multiple_of(2) {
            return None;
        }
        let types: Vec<&str> = std::iter::once(tail[0]).chain(tail[1..].iter().step_by(2).copied()).collect();
        let names: Vec<&str> = tail[2..].iter().step_by(2).copied().collect();
        id.resource_type = types.join("/");
        id.name = Value::String(names.join("/"));
        Some(id)
    }
}

/// Why a value is not known, and the place that made it so.
#[derive(Debug, Clone, PartialEq)]
pub struct Unknown {
    pub reason: String,
    pub origin: Origin,
    /// The declaration whose value is unknown (a parameter, a variable's expression) and the
    /// template instance it was evaluated in (the root is 0, each module call its own number):
    /// two unknowns from the same source are the same value.
    pub source: Option<(Origin, u32)>,
}

/// A three-valued answer to a question about values.
#[derive(Debug, Clone, PartialEq)]
pub enum Tri {
    Yes,
    No,
    Unknown(Unknown),
}

/// A partly known string keeps at most this many parts.
const MAX_PARTS: usize = 64;

impl Node {
    pub fn new(value: Value, origin: Origin) -> Self {
        Node { value, origin, trace: Vec::new() }
    }

    /// The member `key` of an object, compared without regard to case as ARM does.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Object(members) => members.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, n)| n),
            _ => None,
        }
    }
}

impl Value {
    pub fn unknown(reason: impl Into<String>, origin: Origin) -> Value {
        Value::Unknown(Unknown { reason: reason.into(), origin, source: None })
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
            Value::String(s) => Tri::from(!s.is_empty()),
            Value::ResourceId(_) => Tri::Yes,
            Value::Partial(parts) => {
                if parts.iter().any(|p| matches!(p, StrPart::Text(t) if !t.is_empty())) {
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

    /// Gives each unknown computed once (the value of a variable) an identity, so that two uses
    /// of it compare equal: `'pg-${suffix}'` names the same server wherever it is written.
    /// Array elements are left alone: a loop evaluates one expression to different values.
    pub fn identify_unknowns(&mut self, instance: u32) {
        let stamp = |u: &mut Unknown| {
            if u.source.is_none() {
                u.source = Some((u.origin, instance));
            }
        };
        match self {
            Value::Unknown(u) => stamp(u),
            Value::Partial(parts) => parts.iter_mut().for_each(|p| {
                if let StrPart::Unknown(u) = p {
                    stamp(u)
                }
            }),
            Value::Object(members) => members.iter_mut().for_each(|(_, n)| n.value.identify_unknowns(instance)),
            Value::ResourceId(id) => id.name.identify_unknowns(instance),
            _ => {}
        }
    }

    /// Whether `needle` occurs anywhere in this value (an id passed inside an object or array).
    pub fn mentions(&self, needle: &Value) -> bool {
        match self {
            Value::Array(items) => items.iter().any(|n| n.value.mentions(needle)),
            Value::Object(members) => members.iter().any(|(_, n)| n.value.mentions(needle)),
            other => other.loosely_equals(needle) == Tri::Yes,
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
                Value::ResourceId(_) => out.push(StrPart::Unknown(Unknown {
                    reason: "a resource id's subscription and resource group are known only at deployment".into(),
                    origin,
                    source: None,
                })),
                Value::Array(_) | Value::Object(_) => {
                    return Value::unknown("an array or object used as a string", origin);
                }
            }
        }
        // A string of many unknown parts (doubled from variable to variable) keeps only its
        // known ends, so it stays small.
        if out.len() > MAX_PARTS {
            // The kept unknown stands for the whole middle: no identity of its own.
            let first = out.iter().find_map(|p| match p {
                StrPart::Unknown(u) => Some(Unknown { source: None, ..u.clone() }),
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
            _ => Value::Partial(out),
        }
    }

    /// Equality as `==` and ARM's `equals()` compute it: strings with case, three-valued.
    pub fn strictly_equals(&self, other: &Value) -> Tri {
        match (self, other) {
            (Value::String(a), Value::String(b)) => Tri::from(a == b),
            (Value::Partial(a), Value::Partial(b)) if a == b => Tri::Yes,
            (Value::Partial(_), _) | (_, Value::Partial(_)) => match self.loosely_equals(other) {
                Tri::No => Tri::No,
                _ => self.first_unknown().or(other.first_unknown()).cloned().map_or(Tri::No, Tri::Unknown),
            },
            (Value::Array(a), Value::Array(b)) => elementwise(a, b, Value::strictly_equals),
            (Value::Object(a), Value::Object(b)) => memberwise(a, b, Value::strictly_equals),
            _ => self.loosely_equals(other),
        }
    }

    /// Equality as Azure compares names and enum values (strings without case), three-valued.
    pub fn loosely_equals(&self, other: &Value) -> Tri {
        match (self, other) {
            (Value::Array(a), Value::Array(b)) => elementwise(a, b, Value::loosely_equals),
            (Value::Object(a), Value::Object(b)) => memberwise(a, b, Value::loosely_equals),
            (Value::String(a), Value::String(b)) => Tri::from(a.eq_ignore_ascii_case(b)),
            (Value::Int(a), Value::Int(b)) => Tri::from(a == b),
            (Value::Bool(a), Value::Bool(b)) => Tri::from(a == b),
            (Value::Null, Value::Null) => Tri::Yes,
            (Value::ResourceId(a), Value::ResourceId(b)) => a.same_resource(b),
            (Value::String(s), Value::ResourceId(id)) | (Value::ResourceId(id), Value::String(s)) => {
                match ResourceId::parse(s) {
                    Some(parsed) => parsed.same_resource(id),
                    None => Tri::No,
                }
            }
            (Value::Partial(a), Value::Partial(b)) if same_parts(a, b) => Tri::Yes,
            (Value::Unknown(a), Value::Unknown(b)) if a.source.is_some() && a.source == b.source => Tri::Yes,
            (Value::Partial(_), Value::String(_)) | (Value::String(_), Value::Partial(_))
                if !partial_can_equal(self, other) =>
            {
                Tri::No
            }
            _ => match self.first_unknown().or(other.first_unknown()) {
                Some(u) => Tri::Unknown(u.clone()),
                None => Tri::No,
            },
        }
    }
}

fn elementwise(a: &[Node], b: &[Node], equal: fn(&Value, &Value) -> Tri) -> Tri {
    if a.len() != b.len() {
        return Tri::No;
    }
    a.iter().zip(b).map(|(x, y)| equal(&x.value, &y.value)).fold(Tri::Yes, Tri::and)
}

fn memberwise(a: &[(String, Node)], b: &[(String, Node)], equal: fn(&Value, &Value) -> Tri) -> Tri {
    if let Some(spread) = unknown_spread(a).or(unknown_spread(b)) {
        return spread.value.first_unknown().cloned().map_or(Tri::No, Tri::Unknown);
    }
    if a.len() != b.len() {
        return Tri::No;
    }
    a.iter()
        .map(|(k, x)| match b.iter().find(|(key, _)| key.eq_ignore_ascii_case(k)) {
            Some((_, y)) => equal(&x.value, &y.value),
            None => Tri::No,
        })
        .fold(Tri::Yes, Tri::and)
}

fn unknown_spread(members: &[(String, Node)]) -> Option<&Node> {
    members.iter().find(|(k, _)| k == crate::model::UNKNOWN_SPREAD).map(|(_, n)| n)
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

/// Two partial strings are the same when their texts match and each unknown part stands for
/// the same declaration.
fn same_parts(a: &[StrPart], b: &[StrPart]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|pair| match pair {
            (StrPart::Text(x), StrPart::Text(y)) => x.eq_ignore_ascii_case(y),
            (StrPart::Unknown(x), StrPart::Unknown(y)) => x.source.is_some() && x.source == y.source,
            _ => false,
        })
}

/// Whether a partial string could equal a known one: its known prefix and suffix must fit.
fn partial_can_equal(a: &Value, b: &Value) -> bool {
    let (parts, text) = match (a, b) {
        (Value::Partial(p), Value::String(s)) | (Value::String(s), Value::Partial(p)) => (p, s.to_ascii_lowercase()),
        _ => return true,
    };
    let prefix = match parts.first() {
        Some(StrPart::Text(t)) => t.to_ascii_lowercase(),
        _ => String::new(),
    };
    let suffix = match parts.last() {
        Some(StrPart::Text(t)) if parts.len() > 1 => t.to_ascii_lowercase(),
        _ => String::new(),
    };
    text.len() >= prefix.len() + suffix.len() && text.starts_with(&prefix) && text.ends_with(&suffix)
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
}

impl From<bool> for Tri {
    fn from(b: bool) -> Self {
        if b { Tri::Yes } else { Tri::No }
    }
}
