//! The lambda functions (`map`, `filter`, `reduce`, `sort`, `toObject`, `groupBy`,
//! `mapValues`) and `shallowMerge`. A lambda is applied through `Args::apply`, which calls back
//! into the front end. Which lambda was applied is not part of any symbol, so a result that
//! depends on an unknown array or an unknown lambda result equals nothing.

use super::{Args, Body, Ctx, Function};
use crate::eval::ops;
use crate::model::compare;
use crate::model::{Node, Tri, UNKNOWN_SPREAD, Unknown, Value};

pub static FUNCTIONS: &[Function] = &[
    Function { name: "map", min: 2, max: 2, body: Body::Lazy(map) },
    Function { name: "filter", min: 2, max: 2, body: Body::Lazy(filter) },
    Function { name: "reduce", min: 3, max: 3, body: Body::Lazy(reduce) },
    Function { name: "sort", min: 2, max: 2, body: Body::Lazy(sort) },
    Function { name: "toObject", min: 2, max: 3, body: Body::Lazy(to_object) },
    Function { name: "groupBy", min: 2, max: 3, body: Body::Lazy(group_by) },
    Function { name: "mapValues", min: 2, max: 2, body: Body::Lazy(map_values) },
    Function { name: "shallowMerge", min: 1, max: 1, body: Body::Strict(shallow_merge) },
];

/// Why a lambda function gives no value: its result cannot stand for an expression.
enum Stop {
    Unknown(Unknown),
    NotLambda(usize),
}

impl Stop {
    fn value(self, name: &str, ctx: &Ctx) -> Value {
        match self {
            Stop::Unknown(u) => Value::Unknown(Unknown { sym: None, options: None, bounds: None, ..u }),
            Stop::NotLambda(i) => {
                Value::unknown(format!("argument {} of `{name}()` is not a lambda", i + 1), ctx.origin)
            }
        }
    }
}

/// The elements of argument 0, or why there are none to iterate.
fn elements(args: &mut dyn Args, name: &str, ctx: &Ctx) -> Result<Vec<Node>, Value> {
    let array = args.value(0);
    match array.value {
        Value::Array(items) => Ok(items),
        other => Err(match other.first_unknown() {
            Some(u) => Value::Unknown(Unknown { sym: None, options: None, bounds: None, ..u.clone() }),
            None => Value::unknown(format!("`{name}()` of {}, not an array", other.describe()), ctx.origin),
        }),
    }
}

fn index(i: usize, ctx: &Ctx) -> Node {
    Node::new(Value::Int(i as i64), ctx.origin)
}

fn apply(args: &mut dyn Args, lambda: usize, params: Vec<Node>) -> Result<Node, Stop> {
    args.apply(lambda, params).ok_or(Stop::NotLambda(lambda))
}

/// A lambda result that must be known to go on (a test, a key, an ordering).
fn known(node: Node) -> Result<Node, Stop> {
    match &node.value {
        Value::Unknown(u) => Err(Stop::Unknown(u.clone())),
        Value::Partial(_) => Err(Stop::Unknown(
            node.value
                .first_unknown()
                .cloned()
                .unwrap_or_else(|| Unknown::opaque("the lambda gives a partly known string", node.origin)),
        )),
        _ => Ok(node),
    }
}

/// `map(array, (item[, index]) => value)`.
fn map(args: &mut dyn Args, ctx: &Ctx) -> Value {
    let items = match elements(args, "map", ctx) {
        Ok(items) => items,
        Err(v) => return v,
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        match apply(args, 1, vec![item, index(i, ctx)]) {
            Ok(node) => out.push(node),
            Err(stop) => return stop.value("map", ctx),
        }
    }
    Value::Array(out)
}

/// `filter(array, (item[, index]) => bool)`: an element whose test is unknown makes the result
/// unknown.
fn filter(args: &mut dyn Args, ctx: &Ctx) -> Value {
    let items = match elements(args, "filter", ctx) {
        Ok(items) => items,
        Err(v) => return v,
    };
    let mut out = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let keep = match apply(args, 1, vec![item.clone(), index(i, ctx)]).and_then(known) {
            Ok(keep) => keep,
            Err(stop) => return stop.value("filter", ctx),
        };
        match keep.value {
            Value::Bool(true) => out.push(item),
            Value::Bool(false) => {}
            other => return Value::unknown(format!("the `filter()` lambda gives {}", other.describe()), ctx.origin),
        }
    }
    Value::Array(out)
}

/// `reduce(array, initial, (current, next[, index]) => value)`: an unknown accumulator is
/// passed on, since a later step may not read it.
fn reduce(args: &mut dyn Args, ctx: &Ctx) -> Value {
    let items = match elements(args, "reduce", ctx) {
        Ok(items) => items,
        Err(v) => return v,
    };
    let mut current = args.value(1);
    for (i, item) in items.into_iter().enumerate() {
        current = match apply(args, 2, vec![current, item, index(i, ctx)]) {
            Ok(node) => node,
            Err(stop) => return stop.value("reduce", ctx),
        };
    }
    current.value
}

/// `sort(array, (a, b) => bool)`, the lambda telling whether `a` comes before `b`: a stable
/// merge sort. Two different elements that the lambda ranks equal have no defined order in
/// ARM, and neither has an element whose ranking is unknown: the result is then unknown.
fn sort(args: &mut dyn Args, ctx: &Ctx) -> Value {
    let items = match elements(args, "sort", ctx) {
        Ok(items) => items,
        Err(v) => return v,
    };
    match merge_sort(items, args, ctx) {
        Ok(sorted) => Value::Array(sorted),
        Err(stop) => stop.value("sort", ctx),
    }
}

fn merge_sort(mut items: Vec<Node>, args: &mut dyn Args, ctx: &Ctx) -> Result<Vec<Node>, Stop> {
    if items.len() <= 1 {
        return Ok(items);
    }
    let right = items.split_off(items.len() / 2);
    let left = merge_sort(items, args, ctx)?;
    let right = merge_sort(right, args, ctx)?;
    let mut out = Vec::with_capacity(left.len() + right.len());
    let (mut left, mut right) = (left.into_iter().peekable(), right.into_iter().peekable());
    while let (Some(a), Some(b)) = (left.peek(), right.peek()) {
        // `b` goes first only when it surely comes before `a`. A lambda that ranks two
        // elements both ways, or two different elements equal, leaves their order to ARM's
        // algorithm: not known here.
        let (b_first, a_first) = (precedes(args, b, a)?, precedes(args, a, b)?);
        let undecided = match (b_first, a_first) {
            (true, true) => Some("each before the other"),
            (false, false) if compare::strictly_equals(&a.value, &b.value) != Tri::Yes => Some("equal"),
            _ => None,
        };
        if let Some(how) = undecided {
            let reason = format!("the `sort()` lambda ranks {} and {} {how}", a.value.describe(), b.value.describe());
            return Err(Stop::Unknown(Unknown::opaque(reason, ctx.origin)));
        }
        let next = if b_first { right.next() } else { left.next() };
        out.extend(next);
    }
    out.extend(left);
    out.extend(right);
    Ok(out)
}

fn precedes(args: &mut dyn Args, a: &Node, b: &Node) -> Result<bool, Stop> {
    let result = known(apply(args, 1, vec![a.clone(), b.clone()])?)?;
    match result.value {
        Value::Bool(b) => Ok(b),
        other => {
            let reason = format!("the `sort()` lambda gives {}", other.describe());
            Err(Stop::Unknown(Unknown::opaque(reason, result.origin)))
        }
    }
}

/// A lambda's result used as an object key.
fn key(args: &mut dyn Args, lambda: usize, item: &Node, name: &str) -> Result<String, Stop> {
    let node = known(apply(args, lambda, vec![item.clone()])?)?;
    match node.value {
        Value::String(s) => Ok(s),
        other => {
            let reason = format!("the `{name}()` key lambda gives {}, not a string", other.describe());
            Err(Stop::Unknown(Unknown::opaque(reason, node.origin)))
        }
    }
}

/// `toObject(array, item => key[, item => value])`. Two elements with the same key (ARM
/// compares keys without case) make the result unknown rather than pick one.
fn to_object(args: &mut dyn Args, ctx: &Ctx) -> Value {
    let items = match elements(args, "toObject", ctx) {
        Ok(items) => items,
        Err(v) => return v,
    };
    let mut members: Vec<(String, Node)> = Vec::new();
    for item in items {
        let key = match key(args, 1, &item, "toObject") {
            Ok(key) => Some(key),
            // A member of unknown name may replace any other, as in an object literal.
            Err(Stop::Unknown(u)) => {
                let reason = format!("a `toObject()` key is not known: {}", u.reason);
                let unknown = Node::new(Value::Unknown(Unknown::opaque(reason, u.origin)), u.origin);
                ops::spread_into(&mut members, unknown);
                None
            }
            Err(stop) => return stop.value("toObject", ctx),
        };
        if let Some(key) = &key
            && members.iter().any(|(k, _)| k.eq_ignore_ascii_case(key))
        {
            return Value::unknown(format!("`toObject()` gives the key '{key}' twice"), ctx.origin);
        }
        let value = if args.len() == 3 {
            match apply(args, 2, vec![item]) {
                Ok(v) => v,
                Err(stop) => return stop.value("toObject", ctx),
            }
        } else {
            item
        };
        if let Some(key) = key {
            members.push((key, value));
        }
    }
    Value::Object(members)
}

/// `groupBy(array, item => key[, item => value])`: the elements (or their values) by key, in
/// the order of the array. Keys equal without case are one group, named by the first.
fn group_by(args: &mut dyn Args, ctx: &Ctx) -> Value {
    let items = match elements(args, "groupBy", ctx) {
        Ok(items) => items,
        Err(v) => return v,
    };
    let mut groups: Vec<(String, Vec<Node>)> = Vec::new();
    for item in items {
        let key = match key(args, 1, &item, "groupBy") {
            Ok(key) => key,
            Err(stop) => return stop.value("groupBy", ctx),
        };
        let value = if args.len() == 3 {
            match apply(args, 2, vec![item]) {
                Ok(v) => v,
                Err(stop) => return stop.value("groupBy", ctx),
            }
        } else {
            item
        };
        match groups.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case(&key)) {
            Some((_, group)) => group.push(value),
            None => groups.push((key, vec![value])),
        }
    }
    Value::Object(groups.into_iter().map(|(k, group)| (k, Node::new(Value::Array(group), ctx.origin))).collect())
}

/// `mapValues(object, value => value)`. Members that an unknown spread may give stay unknown.
fn map_values(args: &mut dyn Args, ctx: &Ctx) -> Value {
    let object = args.value(0);
    let members = match object.value {
        Value::Object(members) => members,
        other => {
            return match other.first_unknown() {
                Some(u) => Value::Unknown(Unknown { sym: None, options: None, bounds: None, ..u.clone() }),
                None => Value::unknown(format!("`mapValues()` of {}, not an object", other.describe()), ctx.origin),
            };
        }
    };
    let mut out = Vec::with_capacity(members.len());
    for (key, value) in members {
        if key == UNKNOWN_SPREAD {
            let unknown = match &value.value {
                Value::Unknown(u) => Unknown { sym: None, options: None, bounds: None, ..u.clone() },
                _ => Unknown::opaque("an unknown spread", value.origin),
            };
            out.push((key, Node { value: Value::Unknown(unknown), ..value }));
            continue;
        }
        match apply(args, 1, vec![value]) {
            Ok(node) => out.push((key, node)),
            Err(stop) => return stop.value("mapValues", ctx),
        }
    }
    Value::Object(out)
}

/// `shallowMerge([a, b, …])`: `{ ...a, ...b, … }`, later members replacing earlier ones.
fn shallow_merge(args: &[Node], _: &Ctx) -> Option<Value> {
    let Value::Array(objects) = &args[0].value else { return None };
    let mut members = Vec::new();
    for object in objects {
        ops::spread_into(&mut members, object.clone());
    }
    Some(Value::Object(members))
}
