//! The template functions the evaluator computes, shared by Bicep and ARM (whose function
//! libraries are the same). A function it does not compute, or one whose result is known only
//! at deployment, gives an unknown value that names the function.

use crate::model::{Node, ResourceId, Tri, Value};
use crate::source::Origin;

/// Loops and `range()` are expanded only up to this many elements.
pub const MAX_ELEMENTS: usize = 1000;

/// A deployment expands at most this many loop elements in all (nested loops multiply);
/// past it, a loop's elements are unknown.
pub const MAX_LOOP_ELEMENTS: usize = 100_000;

/// Variables and parameters referring to each other are followed this deep.
pub const MAX_REFERENCE_DEPTH: usize = 256;

/// A variable or parameter value bigger than this (see `Value::exceeds`) is not kept: it
/// becomes unknown, so that values doubling from variable to variable stay cheap.
pub const MAX_VALUE_WEIGHT: usize = 100_000;

/// A value too big to keep, or the value itself.
pub fn bounded(node: Node, what: &str) -> Node {
    if node.value.exceeds(MAX_VALUE_WEIGHT) {
        let origin = node.origin;
        return Node::new(Value::unknown(format!("{what} is too large to evaluate"), origin), origin);
    }
    node
}

/// Calls a function on evaluated arguments. `name` is compared without regard to case.
pub fn call(name: &str, args: Vec<Node>, origin: Origin) -> Value {
    let lower = name.to_ascii_lowercase();
    if let Some(u) = args.iter().find_map(|a| match &a.value {
        Value::Unknown(u) if !tolerates_unknown(&lower) => Some(u.clone()),
        _ => None,
    }) {
        return Value::Unknown(u);
    }
    let values: Vec<Value> = args.into_iter().map(|n| n.value).collect();
    match (lower.as_str(), values.as_slice()) {
        ("concat", [Value::Array(_), ..]) => {
            let mut items = Vec::new();
            for v in values {
                match v {
                    Value::Array(more) => items.extend(more),
                    other => return Value::unknown(format!("`concat()` mixes arrays with {}", kind(&other)), origin),
                }
            }
            Value::Array(items)
        }
        ("concat", _) => Value::concat(values, origin),
        ("format", [Value::String(fmt), rest @ ..]) => format(fmt, rest, origin),
        ("resourceid" | "subscriptionresourceid" | "tenantresourceid", _) => resource_id(&values, origin),
        ("tolower", [Value::String(s)]) => Value::String(s.to_lowercase()),
        ("toupper", [Value::String(s)]) => Value::String(s.to_uppercase()),
        ("string", [v]) => match v {
            Value::String(_) | Value::Partial(_) => v.clone(),
            Value::Int(i) => Value::String(i.to_string()),
            Value::Bool(b) => Value::String(if *b { "True" } else { "False" }.into()),
            Value::Null => Value::String(String::new()),
            _ => Value::unknown(format!("`string()` of {}", v.describe()), origin),
        },
        ("empty", [v]) => match v {
            Value::Null => Value::Bool(true),
            Value::String(s) => Value::Bool(s.is_empty()),
            Value::Array(a) => Value::Bool(a.is_empty()),
            Value::Object(o) => Value::Bool(o.is_empty()),
            Value::ResourceId(_) => Value::Bool(false),
            Value::Partial(_) => match v.is_non_empty_string() {
                Tri::Yes => Value::Bool(false),
                Tri::No => Value::Bool(true),
                Tri::Unknown(u) => Value::Unknown(u),
            },
            _ => Value::unknown("`empty()` of this value", origin),
        },
        ("length", [v]) => match v {
            Value::String(s) => Value::Int(s.chars().count() as i64),
            Value::Array(a) => Value::Int(a.len() as i64),
            Value::Object(o) => Value::Int(o.len() as i64),
            _ => Value::unknown("`length()` of this value", origin),
        },
        ("range", [Value::Int(start), Value::Int(count)]) => {
            if *count < 0 || *count as usize > MAX_ELEMENTS {
                return Value::unknown(format!("`range()` of {count} elements is not expanded"), origin);
            }
            match start.checked_add(*count) {
                Some(_) => Value::Array((0..*count).map(|i| Node::new(Value::Int(start + i), origin)).collect()),
                None => Value::unknown("`range()` past the largest integer", origin),
            }
        }
        ("equals", [a, b]) => tri(a.strictly_equals(b)),
        ("not", [Value::Bool(b)]) => Value::Bool(!b),
        ("and", _) if values.iter().all(|v| matches!(v, Value::Bool(_))) => {
            Value::Bool(values.iter().all(|v| *v == Value::Bool(true)))
        }
        ("or", _) if values.iter().all(|v| matches!(v, Value::Bool(_))) => {
            Value::Bool(values.contains(&Value::Bool(true)))
        }
        ("if", [Value::Bool(c), a, b]) => {
            if *c {
                a.clone()
            } else {
                b.clone()
            }
        }
        ("coalesce", _) => values.into_iter().find(|v| *v != Value::Null).unwrap_or(Value::Null),
        ("items", [Value::Object(members)]) => {
            let mut entries: Vec<&(String, Node)> = members.iter().collect();
            // ARM returns the entries sorted by key.
            entries.sort_by_key(|(k, _)| k.to_ascii_lowercase());
            Value::Array(
                entries
                    .into_iter()
                    .map(|(k, v)| {
                        let key = Node::new(Value::String(k.clone()), v.origin);
                        Node::new(Value::Object(vec![("key".into(), key), ("value".into(), v.clone())]), v.origin)
                    })
                    .collect(),
            )
        }
        ("createarray", _) => Value::Array(values.into_iter().map(|v| Node::new(v, origin)).collect()),
        ("bool", [Value::Bool(b)]) => Value::Bool(*b),
        ("bool", [Value::String(s)]) => match s.to_ascii_lowercase().as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::unknown(format!("`bool('{s}')` is not a boolean"), origin),
        },
        ("int", [Value::Int(i)]) => Value::Int(*i),
        ("int", [Value::String(s)]) => s
            .trim()
            .parse()
            .map(Value::Int)
            .unwrap_or_else(|_| Value::unknown(format!("`int('{s}')` is not an integer"), origin)),
        ("true", []) => Value::Bool(true),
        ("false", []) => Value::Bool(false),
        ("null", []) => Value::Null,
        _ => match values.iter().find_map(Value::first_unknown) {
            Some(u) => Value::Unknown(u.clone()),
            None => Value::unknown(format!("`{name}()` is not evaluated statically"), origin),
        },
    }
}

/// `if()` and `coalesce()` pick among their arguments, so one unknown argument need not make
/// the result unknown; `concat()` keeps the known parts of a string; `resourceId()` is an id
/// whatever its names are.
fn tolerates_unknown(name: &str) -> bool {
    matches!(
        name,
        "if" | "coalesce" | "concat" | "format" | "resourceid" | "subscriptionresourceid" | "tenantresourceid"
    )
}

fn tri(t: Tri) -> Value {
    match t {
        Tri::Yes => Value::Bool(true),
        Tri::No => Value::Bool(false),
        Tri::Unknown(u) => Value::Unknown(u),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
        _ => "a scalar",
    }
}

/// .NET composite formatting as ARM's `format()` does it: `{0}`, `{1:fmt}`, `{{` and `}}`.
fn format(fmt: &str, args: &[Value], origin: Origin) -> Value {
    let mut parts: Vec<Value> = Vec::new();
    let mut text = String::new();
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                text.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                text.push('}');
            }
            '{' => {
                let mut spec = String::new();
                let mut closed = false;
                for c in chars.by_ref() {
                    if c == '}' {
                        closed = true;
                        break;
                    }
                    spec.push(c);
                }
                // Alignment and format strings (`{0,5}`, `{0:D3}`) are .NET's; not computed.
                if !closed || spec.contains([':', ',']) {
                    return Value::unknown(format!("`format()` placeholder `{{{spec}` is not evaluated"), origin);
                }
                let Some(arg) = spec.trim().parse::<usize>().ok().and_then(|i| args.get(i)) else {
                    return Value::unknown(format!("`format()` placeholder `{{{spec}}}` has no argument"), origin);
                };
                parts.push(Value::String(std::mem::take(&mut text)));
                parts.push(arg.clone());
            }
            '}' => return Value::unknown("`format()` has a lone `}`", origin),
            c => text.push(c),
        }
    }
    parts.push(Value::String(text));
    Value::concat(parts, origin)
}

/// `resourceId([subscriptionId], [resourceGroupName], type, name1, name2…)`: the type is the
/// argument whose segment count matches the names that follow it.
fn resource_id(args: &[Value], origin: Origin) -> Value {
    for (i, arg) in args.iter().enumerate() {
        let Value::String(resource_type) = arg else { continue };
        let segments = resource_type.split('/').count();
        if segments >= 2 && args.len() - i - 1 == segments - 1 {
            let mut name_parts = Vec::new();
            for (k, name) in args[i + 1..].iter().enumerate() {
                if k > 0 {
                    name_parts.push(Value::String("/".into()));
                }
                name_parts.push(name.clone());
            }
            // Before the type: `[subscriptionId, ]resourceGroupName`.
            let (subscription, resource_group) = match &args[..i] {
                [] => (None, None),
                [rg] => (None, Some(rg.clone())),
                [sub, rg, ..] => (Some(sub.clone()), Some(rg.clone())),
            };
            return Value::ResourceId(Box::new(ResourceId {
                resource_type: resource_type.clone(),
                name: Value::concat(name_parts, origin),
                subscription,
                resource_group,
                target: None,
            }));
        }
    }
    match args.iter().find_map(Value::first_unknown) {
        Some(u) => Value::Unknown(u.clone()),
        None => Value::unknown("`resourceId()` arguments do not name a resource type and its names", origin),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn call_with(name: &str, args: &[Value]) -> Value {
        let origin = Origin::new(FileId(0), crate::span::Span::default());
        call(name, args.iter().map(|v| Node::new(v.clone(), origin)).collect(), origin)
    }

    fn s(text: &str) -> Value {
        Value::String(text.into())
    }

    #[test]
    fn equals_compares_strings_with_case() {
        assert_eq!(call_with("equals", &[s("Enabled"), s("enabled")]), Value::Bool(false));
        assert_eq!(call_with("equals", &[s("a"), s("a")]), Value::Bool(true));
    }

    #[test]
    fn format_computes_only_plain_placeholders() {
        assert_eq!(call_with("format", &[s("{0}/{1}"), s("pg"), s("x")]), s("pg/x"));
        assert_eq!(call_with("format", &[s("{{{0}}}"), s("a")]), s("{a}"));
        for fmt in ["{0:D3}", "{0,5}", "{0", "a}"] {
            assert!(matches!(call_with("format", &[s(fmt), Value::Int(5)]), Value::Unknown(_)), "{fmt}");
        }
    }

    #[test]
    fn empty_of_a_partial_string_is_known_only_when_text_is() {
        let unknown = Value::unknown("p", Origin::new(FileId(0), crate::span::Span::default()));
        let bare = call_with("format", &[s("{0}"), unknown.clone()]);
        assert!(matches!(call_with("empty", &[bare]), Value::Unknown(_)));
        let prefixed = call_with("format", &[s("pg-{0}"), unknown]);
        assert_eq!(call_with("empty", &[prefixed]), Value::Bool(false));
    }

    #[test]
    fn range_and_resource_id_edges() {
        assert!(matches!(call_with("range", &[Value::Int(i64::MAX), Value::Int(2)]), Value::Unknown(_)));
        let Value::ResourceId(id) = call_with("resourceId", &[s("rg"), s("Microsoft.X/y"), s("n")]) else {
            panic!("an id");
        };
        assert_eq!(id.resource_group, Some(s("rg")));
        assert_eq!(id.subscription, None);
        assert!(
            ResourceId::parse(
                "/subscriptions/s/resourceGroups/r/providers/Microsoft.X/y/n/providers/Microsoft.Insights/d/x"
            )
            .is_none()
        );
    }
}
