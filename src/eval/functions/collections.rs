//! Array and object functions (the lambda functions are in `lambdas`).

use super::{Body, Ctx, Function, MANY};
use crate::model::compare;
use crate::model::{Node, Tri, Value};

pub static FUNCTIONS: &[Function] = &[
    Function { name: "createArray", min: 0, max: MANY, body: Body::Tolerant(create_array) },
    Function { name: "createObject", min: 0, max: MANY, body: Body::Strict(create_object) },
    Function { name: "array", min: 1, max: 1, body: Body::Strict(array) },
    Function { name: "range", min: 2, max: 2, body: Body::Strict(range) },
    Function { name: "length", min: 1, max: 1, body: Body::Strict(length) },
    Function { name: "first", min: 1, max: 1, body: Body::Strict(first) },
    Function { name: "last", min: 1, max: 1, body: Body::Strict(last) },
    Function { name: "contains", min: 2, max: 2, body: Body::Strict(contains) },
    Function { name: "join", min: 2, max: 2, body: Body::Strict(join) },
    Function { name: "items", min: 1, max: 1, body: Body::Strict(items) },
    Function { name: "union", min: 1, max: MANY, body: Body::Strict(union) },
];

fn create_array(args: &[Node], _: &Ctx) -> Value {
    Value::Array(args.to_vec())
}

fn create_object(args: &[Node], _: &Ctx) -> Option<Value> {
    if !args.len().is_multiple_of(2) {
        return None;
    }
    let mut members = Vec::new();
    for pair in args.chunks(2) {
        let key = pair[0].value.as_str()?.to_string();
        crate::eval::ops::set_member(&mut members, key, pair[1].clone());
    }
    Some(Value::Object(members))
}

fn array(args: &[Node], _: &Ctx) -> Option<Value> {
    match &args[0].value {
        v @ Value::Array(_) => Some(v.clone()),
        Value::Object(_) | Value::Partial(_) | Value::ResourceId(_) => None,
        _ => Some(Value::Array(vec![args[0].clone()])),
    }
}

fn range(args: &[Node], ctx: &Ctx) -> Option<Value> {
    let (Value::Int(start), Value::Int(count)) = (&args[0].value, &args[1].value) else { return None };
    if *count < 0 {
        return Some(Value::unknown(format!("`range()` of {count} elements"), ctx.origin));
    }
    // Too long to expand, but known: a loop over it is surely not empty.
    if *count as usize > crate::eval::limits::MAX_ELEMENTS {
        let reason = format!("`range()` of {count} elements is not expanded");
        let sym = crate::model::Sym::call("range", vec![args[0].value.clone(), args[1].value.clone()]);
        return Some(Value::Unknown(crate::model::Unknown::symbolic(reason, ctx.origin, sym)));
    }
    start.checked_add(*count)?;
    Some(Value::Array((0..*count).map(|i| Node::new(Value::Int(start + i), ctx.origin)).collect()))
}

fn length(args: &[Node], _: &Ctx) -> Option<Value> {
    match &args[0].value {
        Value::String(s) => Some(Value::Int(s.chars().count() as i64)),
        Value::Array(a) => Some(Value::Int(a.len() as i64)),
        Value::Object(o) if !o.iter().any(|(k, _)| k == crate::model::UNKNOWN_SPREAD) => {
            Some(Value::Int(o.len() as i64))
        }
        _ => None,
    }
}

fn first(args: &[Node], _: &Ctx) -> Option<Value> {
    match &args[0].value {
        Value::Array(a) => Some(a.first().map_or(Value::Null, |n| n.value.clone())),
        Value::String(s) => Some(Value::String(s.chars().next().map(String::from).unwrap_or_default())),
        _ => None,
    }
}

fn last(args: &[Node], _: &Ctx) -> Option<Value> {
    match &args[0].value {
        Value::Array(a) => Some(a.last().map_or(Value::Null, |n| n.value.clone())),
        Value::String(s) => Some(Value::String(s.chars().last().map(String::from).unwrap_or_default())),
        _ => None,
    }
}

/// `contains(container, item)`: an array element or object key (without case), or a
/// substring (with case).
fn contains(args: &[Node], _: &Ctx) -> Option<Value> {
    let item = &args[1].value;
    match &args[0].value {
        Value::Array(items) => {
            let mut unknown = None;
            for n in items {
                match compare::strictly_equals(&n.value, item) {
                    Tri::Yes => return Some(Value::Bool(true)),
                    Tri::Unknown(u) => unknown = Some(u),
                    Tri::No => {}
                }
            }
            // An element that may equal the item leaves the answer open.
            match unknown {
                Some(_) => None,
                None => Some(Value::Bool(false)),
            }
        }
        Value::Object(members) => {
            let key = item.as_str()?;
            if members.iter().any(|(k, _)| k.eq_ignore_ascii_case(key)) {
                return Some(Value::Bool(true));
            }
            (!members.iter().any(|(k, _)| k == crate::model::UNKNOWN_SPREAD)).then_some(Value::Bool(false))
        }
        Value::String(s) => Some(Value::Bool(s.contains(item.as_str()?))),
        _ => None,
    }
}

fn join(args: &[Node], _: &Ctx) -> Option<Value> {
    let Value::Array(items) = &args[0].value else { return None };
    let sep = args[1].value.as_str()?;
    let texts: Option<Vec<&str>> = items.iter().map(|n| n.value.as_str()).collect();
    Some(Value::String(texts?.join(sep)))
}

/// `items(object)`: the entries as `{key, value}`, sorted by key as ARM returns them.
fn items(args: &[Node], _: &Ctx) -> Option<Value> {
    let Value::Object(members) = &args[0].value else { return None };
    if members.iter().any(|(k, _)| k == crate::model::UNKNOWN_SPREAD) {
        return None;
    }
    let mut entries: Vec<&(String, Node)> = members.iter().collect();
    entries.sort_by_key(|(k, _)| k.to_ascii_lowercase());
    Some(Value::Array(
        entries
            .into_iter()
            .map(|(k, v)| {
                let key = Node::new(Value::String(k.clone()), v.origin);
                let entry = Value::Object(vec![("key".into(), key), ("value".into(), v.clone())]);
                Node { value: entry, origin: v.origin, trace: v.trace.clone() }
            })
            .collect(),
    ))
}

/// `union()`: objects merged (later members win; nested objects merged member by member),
/// or arrays joined without duplicates.
fn union(args: &[Node], _: &Ctx) -> Option<Value> {
    match &args[0].value {
        Value::Object(_) => {
            let mut merged: Vec<(String, Node)> = Vec::new();
            for arg in args {
                let Value::Object(more) = &arg.value else { return None };
                merged = merge_objects(merged, more)?;
            }
            Some(Value::Object(merged))
        }
        Value::Array(_) => {
            let mut out: Vec<Node> = Vec::new();
            for arg in args {
                let Value::Array(more) = &arg.value else { return None };
                for item in more {
                    let mut seen = Tri::No;
                    for o in &out {
                        match compare::strictly_equals(&o.value, &item.value) {
                            Tri::Yes => seen = Tri::Yes,
                            Tri::Unknown(u) if seen == Tri::No => seen = Tri::Unknown(u),
                            _ => {}
                        }
                    }
                    match seen {
                        Tri::Yes => {}
                        Tri::No => out.push(item.clone()),
                        Tri::Unknown(_) => return None,
                    }
                }
            }
            Some(Value::Array(out))
        }
        _ => None,
    }
}

/// `base` with `more`'s members: a member that is an object in both is merged in turn. An
/// unknown spread in either leaves the result open.
fn merge_objects(mut base: Vec<(String, Node)>, more: &[(String, Node)]) -> Option<Vec<(String, Node)>> {
    let spread = |m: &[(String, Node)]| m.iter().any(|(k, _)| k == crate::model::UNKNOWN_SPREAD);
    if spread(&base) || spread(more) {
        return None;
    }
    for (k, v) in more {
        let existing = base.iter().position(|(key, _)| key.eq_ignore_ascii_case(k));
        let merged = match (existing.map(|i| &base[i].1.value), &v.value) {
            (Some(Value::Object(old)), Value::Object(new)) => {
                let value = Value::Object(merge_objects(old.clone(), new)?);
                Node { value, ..v.clone() }
            }
            _ => v.clone(),
        };
        crate::eval::ops::set_member(&mut base, k.clone(), merged);
    }
    Some(base)
}
