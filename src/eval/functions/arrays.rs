//! Functions over arrays (and strings, which several of them also take): positions, slices,
//! `intersection()`, `flatten()`, elements counted from the end. An element that may or may
//! not equal what is searched for leaves the answer open.

use super::{Body, Ctx, Function, MANY};
use crate::eval::limits::MAX_COMPARISONS;
use crate::model::compare;
use crate::model::{Node, Tri, Value};

pub static FUNCTIONS: &[Function] = &[
    Function { name: "indexOf", min: 2, max: 2, body: Body::Strict(index_of) },
    Function { name: "lastIndexOf", min: 2, max: 2, body: Body::Strict(last_index_of) },
    Function { name: "take", min: 2, max: 2, body: Body::Strict(take) },
    Function { name: "skip", min: 2, max: 2, body: Body::Strict(skip) },
    Function { name: "intersection", min: 2, max: MANY, body: Body::Strict(intersection) },
    Function { name: "flatten", min: 1, max: 1, body: Body::Strict(flatten) },
    Function { name: "distinct", min: 1, max: 1, body: Body::Strict(distinct) },
    Function { name: "indexFromEnd", min: 2, max: 2, body: Body::Strict(index_from_end) },
    Function { name: "tryIndexFromEnd", min: 2, max: 2, body: Body::Strict(try_index_from_end) },
];

/// Whether an array element is the item, as `indexOf()` compares them. Strings that differ
/// only in case are left open: Microsoft does not say how arrays compare them.
fn is_item(element: &Value, item: &Value) -> Tri {
    if let (Value::String(a), Value::String(b)) = (element, item)
        && a != b
        && a.eq_ignore_ascii_case(b)
    {
        return Tri::Unknown(crate::model::Unknown::opaque("", Default::default()));
    }
    compare::strictly_equals(element, item)
}

/// The position of the first (or last) element equal to `item`; `None` when an element
/// before it may equal it.
fn position<'a>(items: impl Iterator<Item = (usize, &'a Node)>, item: &Value) -> Option<i64> {
    for (i, element) in items {
        match is_item(&element.value, item) {
            Tri::Yes => return Some(i as i64),
            Tri::No => {}
            Tri::Unknown(_) => return None,
        }
    }
    Some(-1)
}

/// `indexOf(string, text)` (without case, in characters) or `indexOf(array, item)`.
fn index_of(args: &[Node], _: &Ctx) -> Option<Value> {
    match &args[0].value {
        Value::String(s) => {
            let (s, p) = (s.to_lowercase(), args[1].value.as_str()?.to_lowercase());
            Some(Value::Int(s.find(&p).map_or(-1, |i| s[..i].chars().count() as i64)))
        }
        Value::Array(items) => position(items.iter().enumerate(), &args[1].value).map(Value::Int),
        _ => None,
    }
}

/// `lastIndexOf(string, text)` (without case) or `lastIndexOf(array, item)`.
fn last_index_of(args: &[Node], _: &Ctx) -> Option<Value> {
    match &args[0].value {
        Value::String(s) => {
            let (s, p) = (s.to_lowercase(), args[1].value.as_str()?.to_lowercase());
            // .NET's `LastIndexOf("")` is a position Microsoft does not document.
            if p.is_empty() {
                return None;
            }
            Some(Value::Int(s.rfind(&p).map_or(-1, |i| s[..i].chars().count() as i64)))
        }
        Value::Array(items) => position(items.iter().enumerate().rev(), &args[1].value).map(Value::Int),
        _ => None,
    }
}

/// The count clamped to `0..=len`: a negative count takes nothing, a long one everything.
fn clamp(count: &Value, len: usize) -> Option<usize> {
    let Value::Int(n) = count else { return None };
    Some(usize::try_from(*n).unwrap_or(0).min(len))
}

fn take(args: &[Node], _: &Ctx) -> Option<Value> {
    match &args[0].value {
        Value::String(s) => {
            let n = clamp(&args[1].value, s.chars().count())?;
            Some(Value::String(s.chars().take(n).collect()))
        }
        Value::Array(items) => {
            let n = clamp(&args[1].value, items.len())?;
            Some(Value::Array(items[..n].to_vec()))
        }
        _ => None,
    }
}

fn skip(args: &[Node], _: &Ctx) -> Option<Value> {
    match &args[0].value {
        Value::String(s) => {
            let n = clamp(&args[1].value, s.chars().count())?;
            Some(Value::String(s.chars().skip(n).collect()))
        }
        Value::Array(items) => {
            let n = clamp(&args[1].value, items.len())?;
            Some(Value::Array(items[n..].to_vec()))
        }
        _ => None,
    }
}

/// `intersection()`: the elements of the first array found in every other (each once), or
/// the members of the first object with an equal member (same name, same value) in every
/// other. A comparison that cannot be decided leaves the result open.
fn intersection(args: &[Node], ctx: &Ctx) -> Option<Value> {
    match &args[0].value {
        Value::Array(first) => {
            let others: Vec<&Vec<Node>> = args[1..]
                .iter()
                .map(|a| match &a.value {
                    Value::Array(items) => Some(items),
                    _ => None,
                })
                .collect::<Option<_>>()?;
            let pairs = first.len().saturating_mul(first.len() + others.iter().map(|o| o.len()).sum::<usize>());
            if pairs > MAX_COMPARISONS {
                return Some(not_compared("intersection", args, ctx));
            }
            let mut out: Vec<Node> = Vec::new();
            for item in first {
                let mut everywhere = Tri::Yes;
                for other in &others {
                    everywhere = everywhere.and(any_equal(other, &item.value));
                }
                let seen = any_equal(&out, &item.value);
                match (everywhere, seen) {
                    (Tri::Yes, Tri::No) => out.push(item.clone()),
                    (Tri::No, _) | (_, Tri::Yes) => {}
                    _ => return None,
                }
            }
            Some(Value::Array(out))
        }
        Value::Object(first) => {
            let spread = |m: &[(String, Node)]| m.iter().any(|(k, _)| k == crate::model::UNKNOWN_SPREAD);
            let mut others = Vec::new();
            for arg in &args[1..] {
                match &arg.value {
                    Value::Object(m) if !spread(m) => others.push(m),
                    _ => return None,
                }
            }
            if spread(first) {
                return None;
            }
            let mut out = Vec::new();
            for (key, node) in first {
                let mut everywhere = Tri::Yes;
                for other in &others {
                    let found = other.iter().find(|(k, _)| k.eq_ignore_ascii_case(key));
                    everywhere =
                        everywhere.and(found.map_or(Tri::No, |(_, n)| compare::strictly_equals(&n.value, &node.value)));
                }
                match everywhere {
                    Tri::Yes => out.push((key.clone(), node.clone())),
                    Tri::No => {}
                    Tri::Unknown(_) => return None,
                }
            }
            Some(Value::Object(out))
        }
        _ => None,
    }
}

/// Arrays too long to compare pairwise: the call as a value of its own.
fn not_compared(name: &str, args: &[Node], ctx: &Ctx) -> Value {
    super::symbolic(name, &args.iter().map(|n| n.value.clone()).collect::<Vec<_>>(), ctx)
}

fn any_equal(items: &[Node], item: &Value) -> Tri {
    let mut answer = Tri::No;
    for n in items {
        match compare::strictly_equals(&n.value, item) {
            Tri::Yes => return Tri::Yes,
            Tri::Unknown(u) => answer = Tri::Unknown(u),
            Tri::No => {}
        }
    }
    answer
}

/// `flatten(arrays)`: the elements of the inner arrays, in order, one level deep.
fn flatten(args: &[Node], _: &Ctx) -> Option<Value> {
    let Value::Array(outer) = &args[0].value else { return None };
    let mut out = Vec::new();
    for inner in outer {
        match &inner.value {
            Value::Array(items) => out.extend(items.iter().cloned()),
            _ => return None,
        }
    }
    Some(Value::Array(out))
}

/// `distinct(array)`: each element once, in order of first occurrence.
fn distinct(args: &[Node], ctx: &Ctx) -> Option<Value> {
    let Value::Array(items) = &args[0].value else { return None };
    if items.len().saturating_mul(items.len()) > MAX_COMPARISONS {
        return Some(not_compared("distinct", args, ctx));
    }
    let mut out: Vec<Node> = Vec::new();
    for item in items {
        match any_equal(&out, &item.value) {
            Tri::No => out.push(item.clone()),
            Tri::Yes => {}
            Tri::Unknown(_) => return None,
        }
    }
    Some(Value::Array(out))
}

/// The element `reverse` places from the end (1 is the last), if there is one.
fn from_end(args: &[Node]) -> Option<Option<Value>> {
    let (Value::Array(items), Value::Int(reverse)) = (&args[0].value, &args[1].value) else { return None };
    let found = usize::try_from(*reverse)
        .ok()
        .filter(|r| *r >= 1)
        .and_then(|r| items.len().checked_sub(r))
        .map(|i| items[i].value.clone());
    Some(found)
}

fn index_from_end(args: &[Node], ctx: &Ctx) -> Option<Value> {
    Some(from_end(args)?.unwrap_or_else(|| {
        Value::unknown(format!("`indexFromEnd()` index {} is out of range", args[1].value.describe()), ctx.origin)
    }))
}

fn try_index_from_end(args: &[Node], _: &Ctx) -> Option<Value> {
    Some(from_end(args)?.unwrap_or(Value::Null))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{array, call, int, s, unknown_param};
    use crate::model::Value;

    #[test]
    fn positions_in_strings_and_arrays() {
        assert_eq!(call("indexOf", vec![s("abcdef"), s("CD")]), int(2));
        assert_eq!(call("lastIndexOf", vec![s("test"), s("t")]), int(3));
        assert_eq!(call("lastIndexOf", vec![s("abcdef"), s("z")]), int(-1));
        assert_eq!(call("indexOf", vec![s(""), s("")]), int(0));
        let abc = array(vec![s("a"), s("b"), s("a")]);
        assert_eq!(call("indexOf", vec![abc.clone(), s("a")]), int(0));
        assert_eq!(call("lastIndexOf", vec![abc.clone(), s("a")]), int(2));
        assert_eq!(call("indexOf", vec![abc.clone(), s("z")]), int(-1));
        assert_eq!(call("indexOf", vec![array(vec![]), s("z")]), int(-1));
        // Case: not documented for arrays.
        assert!(matches!(call("indexOf", vec![abc, s("A")]), Value::Unknown(_)));
        // An unknown element before the match: open.
        let mixed = array(vec![unknown_param("p"), s("a")]);
        assert!(matches!(call("indexOf", vec![mixed.clone(), s("a")]), Value::Unknown(_)));
        assert_eq!(call("lastIndexOf", vec![mixed, s("a")]), int(1));
    }

    #[test]
    fn take_and_skip_clamp_their_counts() {
        assert_eq!(call("take", vec![s("one two"), int(3)]), s("one"));
        assert_eq!(call("take", vec![s("one"), int(-1)]), s(""));
        assert_eq!(call("skip", vec![s("one two"), int(4)]), s("two"));
        assert_eq!(call("skip", vec![s("one"), int(10)]), s(""));
        let xs = array(vec![int(1), int(2), int(3)]);
        assert_eq!(call("take", vec![xs.clone(), int(2)]), array(vec![int(1), int(2)]));
        assert_eq!(call("take", vec![xs.clone(), int(99)]), xs);
        assert_eq!(call("skip", vec![xs.clone(), int(-5)]), xs);
        assert_eq!(call("skip", vec![xs, int(3)]), array(vec![]));
        assert!(matches!(call("take", vec![unknown_param("p"), int(1)]), Value::Unknown(u) if u.sym.is_some()));
    }

    #[test]
    fn intersections_of_arrays_and_objects() {
        let a = array(vec![s("one"), s("two"), s("three"), s("two")]);
        let b = array(vec![s("two"), s("three")]);
        assert_eq!(call("intersection", vec![a, b]), array(vec![s("two"), s("three")]));
        let first = super::super::testing::object(vec![("one", s("a")), ("two", s("b")), ("three", s("c"))]);
        let second = super::super::testing::object(vec![("one", s("a")), ("two", s("z")), ("three", s("c"))]);
        assert_eq!(
            call("intersection", vec![first, second]),
            super::super::testing::object(vec![("one", s("a")), ("three", s("c"))])
        );
        let open = array(vec![unknown_param("p")]);
        assert!(matches!(call("intersection", vec![array(vec![s("x")]), open]), Value::Unknown(_)));
    }

    #[test]
    fn long_arrays_are_not_compared_pairwise() {
        let long = array((0..2000).map(int).collect());
        assert!(matches!(call("distinct", vec![long.clone()]), Value::Unknown(u) if u.sym.is_some()));
        assert!(matches!(call("intersection", vec![long.clone(), long]), Value::Unknown(u) if u.sym.is_some()));
    }

    #[test]
    fn flatten_one_level() {
        let nested = array(vec![array(vec![int(1)]), array(vec![]), array(vec![array(vec![int(2)])])]);
        assert_eq!(call("flatten", vec![nested]), array(vec![int(1), array(vec![int(2)])]));
        assert!(matches!(call("flatten", vec![array(vec![int(1)])]), Value::Unknown(_)));
    }

    #[test]
    fn distinct_keeps_first_occurrences() {
        // The Bicep compiler's `Functions` baseline.
        let xs = array(vec![s("a"), s("b"), s("a"), s("c"), s("b")]);
        assert_eq!(call("distinct", vec![xs]), array(vec![s("a"), s("b"), s("c")]));
        assert_eq!(call("distinct", vec![array(vec![])]), array(vec![]));
        let open = array(vec![s("a"), unknown_param("p")]);
        assert!(matches!(call("distinct", vec![open]), Value::Unknown(_)));
    }

    #[test]
    fn elements_from_the_end() {
        let xs = array(vec![s("a"), s("b"), s("c")]);
        assert_eq!(call("indexFromEnd", vec![xs.clone(), int(1)]), s("c"));
        assert_eq!(call("tryIndexFromEnd", vec![xs.clone(), int(3)]), s("a"));
        assert_eq!(call("tryIndexFromEnd", vec![xs.clone(), int(4)]), Value::Null);
        assert_eq!(call("tryIndexFromEnd", vec![xs.clone(), int(0)]), Value::Null);
        assert!(matches!(call("indexFromEnd", vec![xs, int(0)]), Value::Unknown(u) if u.sym.is_none()));
    }
}
