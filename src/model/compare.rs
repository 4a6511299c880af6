//! Equality of values, three-valued. Two values are equal when both are known and equal, or
//! when both are the same unknown expression; different when their known parts cannot match;
//! otherwise the answer is unknown, never a guess.

use crate::model::{Node, ResourceId, StrPart, Tri, UNKNOWN_SPREAD, Unknown, Value};

/// Whether strings compare with case (`==`, `equals()`) or without (`=~`, Azure's names and
/// enum values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    Sensitive,
    Insensitive,
}

/// Equality as Azure compares names and enum values: strings without case.
pub fn loosely_equals(a: &Value, b: &Value) -> Tri {
    equals(a, b, Case::Insensitive)
}

/// Equality as `==` and ARM's `equals()` compute it: strings with case.
pub fn strictly_equals(a: &Value, b: &Value) -> Tri {
    equals(a, b, Case::Sensitive)
}

pub fn equals(a: &Value, b: &Value, case: Case) -> Tri {
    if let Some(t) = by_options(a, b, case) {
        return t;
    }
    match (a, b) {
        (Value::Unknown(x), Value::Unknown(y)) if x.same_as(y) => Tri::Yes,
        (Value::Unknown(u), _) | (_, Value::Unknown(u)) => Tri::Unknown(u.clone()),
        (Value::Null, Value::Null) => Tri::Yes,
        (Value::Bool(x), Value::Bool(y)) => Tri::from(x == y),
        (Value::Int(x), Value::Int(y)) => Tri::from(x == y),
        (Value::String(x), Value::String(y)) => Tri::from(text_equal(x, y, case)),
        (Value::Partial(_) | Value::String(_), Value::Partial(_) | Value::String(_)) => strings(a, b, case),
        (Value::ResourceId(x), Value::ResourceId(y)) => x.same_resource(y),
        (Value::String(s), Value::ResourceId(id)) | (Value::ResourceId(id), Value::String(s)) => {
            match ResourceId::parse(s, own_scope(id)) {
                Some(parsed) => parsed.same_resource(id),
                None => Tri::No,
            }
        }
        // An id's text is partly known at best (its scope is the deployment's).
        (Value::Partial(_), Value::ResourceId(_)) | (Value::ResourceId(_), Value::Partial(_)) => {
            Tri::Unknown(a.first_unknown().or(b.first_unknown()).cloned().unwrap_or_else(|| {
                Unknown::opaque("an id compared with a partly known string", crate::source::Origin::default())
            }))
        }
        (Value::Array(x), Value::Array(y)) => elementwise(x, y, case),
        (Value::Object(x), Value::Object(y)) => memberwise(x, y, case),
        _ => Tri::No,
    }
}

/// Equality when a side is an unknown with options: the same answer for every option (or
/// pair of options picked by one input) is the answer; otherwise it is unknown.
fn by_options(a: &Value, b: &Value, case: Case) -> Option<Tri> {
    let options = |v: &Value| match v {
        Value::Unknown(u @ Unknown { options: Some(o), .. }) => Some((u.clone(), o.clone())),
        _ => None,
    };
    let pairs: Vec<(Value, Value)> = match (options(a), options(b)) {
        (None, None) => return None,
        (Some((x, _)), Some((y, _))) if x.same_as(&y) => return Some(Tri::Yes),
        (Some((_, o)), None) => o.values.iter().map(|(n, _)| (n.value.clone(), b.clone())).collect(),
        (None, Some((_, o))) => o.values.iter().map(|(n, _)| (a.clone(), n.value.clone())).collect(),
        (Some((_, x)), Some((_, y))) if x.pairing(&y).is_some() => {
            let pairing = x.pairing(&y).unwrap_or_default();
            x.values.iter().zip(pairing).map(|((p, _), j)| (p.value.clone(), y.values[j].0.value.clone())).collect()
        }
        _ => return None,
    };
    let unknown = a.first_unknown().or(b.first_unknown()).cloned();
    let answers: Vec<Tri> = pairs.iter().map(|(x, y)| equals(x, y, case)).collect();
    Some(if answers.iter().all(|t| *t == Tri::Yes) {
        Tri::Yes
    } else if answers.iter().all(|t| *t == Tri::No) {
        Tri::No
    } else {
        Tri::Unknown(
            unknown.map(|u| u.plain()).unwrap_or_else(|| Unknown::opaque("", crate::source::Origin::default())),
        )
    })
}

/// Whether `value` is a number of at least `n`: `Yes` for a known number `>= n`, an unknown
/// whose range (`@minValue`) starts at `n` or above, or alternatives that all are; `No` for a
/// known number below `n`, an unknown whose range (`@maxValue`) ends below `n`, alternatives
/// that all are, or a known value that is not a number; otherwise unknown. `null` (a
/// property not set) is for the caller to decide: it is not a number, so `No`.
pub fn at_least(value: &Value, n: i64) -> Tri {
    ordered(value, &|v| match v {
        Value::Int(i) => Some(Tri::from(*i >= n)),
        Value::Unknown(Unknown { bounds: Some(b), .. }) => match (b.min, b.max) {
            (Some(min), _) if min >= n => Some(Tri::Yes),
            (_, Some(max)) if max < n => Some(Tri::No),
            _ => None,
        },
        _ => None,
    })
}

/// Whether `value` is a number of at most `n`: the mirror of `at_least` (`@maxValue` at or
/// below `n` decides yes, `@minValue` above it no).
pub fn at_most(value: &Value, n: i64) -> Tri {
    ordered(value, &|v| match v {
        Value::Int(i) => Some(Tri::from(*i <= n)),
        Value::Unknown(Unknown { bounds: Some(b), .. }) => match (b.min, b.max) {
            (_, Some(max)) if max <= n => Some(Tri::Yes),
            (Some(min), _) if min > n => Some(Tri::No),
            _ => None,
        },
        _ => None,
    })
}

/// An ordered comparison decided by `decide` (`None`: not decided), over every alternative
/// of a value that has them.
fn ordered(value: &Value, decide: &dyn Fn(&Value) -> Option<Tri>) -> Tri {
    if let Some(t) = decide(value) {
        return t;
    }
    match value {
        Value::Unknown(u @ Unknown { options: Some(o), .. }) => {
            let answers: Vec<Tri> = o.values.iter().map(|(n, _)| ordered(&n.value, decide)).collect();
            if answers.iter().all(|t| *t == Tri::Yes) {
                Tri::Yes
            } else if answers.iter().all(|t| *t == Tri::No) {
                Tri::No
            } else {
                Tri::Unknown(u.plain())
            }
        }
        Value::Unknown(u) => Tri::Unknown(u.clone()),
        _ => Tri::No,
    }
}

fn own_scope(id: &ResourceId) -> crate::model::ScopeId {
    match &id.resource_group {
        crate::model::ScopePart::Own(scope) => *scope,
        crate::model::ScopePart::Named(_) => crate::model::ScopeId(u32::MAX),
    }
}

fn text_equal(a: &str, b: &str, case: Case) -> bool {
    match case {
        Case::Sensitive => a == b,
        Case::Insensitive => a.eq_ignore_ascii_case(b),
    }
}

fn parts(value: &Value) -> Vec<StrPart> {
    match value {
        Value::String(s) => vec![StrPart::Text(s.clone())],
        Value::Partial(parts) => parts.clone(),
        _ => Vec::new(),
    }
}

/// Two strings of which at least one is partly known: the same when their parts are the same;
/// different when their known beginnings or ends cannot match; otherwise unknown.
fn strings(a: &Value, b: &Value, case: Case) -> Tri {
    let (x, y) = (parts(a), parts(b));
    let same = x.len() == y.len()
        && x.iter().zip(&y).all(|pair| match pair {
            (StrPart::Text(p), StrPart::Text(q)) => text_equal(p, q, case),
            (StrPart::Unknown(p), StrPart::Unknown(q)) => p.same_as(q),
            _ => false,
        });
    if same {
        return Tri::Yes;
    }
    let fold = |t: &str| match case {
        Case::Sensitive => t.to_string(),
        Case::Insensitive => t.to_ascii_lowercase(),
    };
    let head = |p: &[StrPart]| match p.first() {
        Some(StrPart::Text(t)) => fold(t),
        _ => String::new(),
    };
    let tail = |p: &[StrPart]| match p.last() {
        Some(StrPart::Text(t)) => fold(t),
        _ => String::new(),
    };
    let compatible = |p: &str, q: &str, at_start: bool| {
        if at_start { p.starts_with(q) || q.starts_with(p) } else { p.ends_with(q) || q.ends_with(p) }
    };
    // A fully known string must also be long enough for both known ends of the other.
    let long_enough = match (a, b) {
        (Value::String(s), Value::Partial(p)) | (Value::Partial(p), Value::String(s)) => {
            let (h, t) = (head(p), tail(p));
            s.len() >= h.len() + t.len()
        }
        _ => true,
    };
    if !long_enough || !compatible(&head(&x), &head(&y), true) || !compatible(&tail(&x), &tail(&y), false) {
        return Tri::No;
    }
    match a.first_unknown().or(b.first_unknown()) {
        Some(u) => Tri::Unknown(u.clone()),
        None => Tri::No,
    }
}

fn elementwise(a: &[Node], b: &[Node], case: Case) -> Tri {
    if a.len() != b.len() {
        return Tri::No;
    }
    a.iter().zip(b).map(|(x, y)| equals(&x.value, &y.value, case)).fold(Tri::Yes, Tri::and)
}

fn memberwise(a: &[(String, Node)], b: &[(String, Node)], case: Case) -> Tri {
    let spread = |m: &[(String, Node)]| m.iter().find(|(k, _)| k == UNKNOWN_SPREAD).map(|(_, n)| n.clone());
    if let Some(spread) = spread(a).or(spread(b)) {
        return spread.value.first_unknown().cloned().map_or(Tri::No, Tri::Unknown);
    }
    if a.len() != b.len() {
        return Tri::No;
    }
    a.iter()
        .map(|(k, x)| match b.iter().find(|(key, _)| key.eq_ignore_ascii_case(k)) {
            Some((_, y)) => equals(&x.value, &y.value, case),
            None => Tri::No,
        })
        .fold(Tri::Yes, Tri::and)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{InstanceId, Sym, SymKind};
    use crate::source::Origin;

    fn param(name: &str) -> Value {
        let sym = Sym::new(SymKind::Param { instance: InstanceId(0), name: name.into() });
        Value::Unknown(Unknown::symbolic(format!("parameter `{name}`"), Origin::default(), sym))
    }

    fn member(v: &Value, name: &str) -> Value {
        let Value::Unknown(u) = v else { panic!("unknown") };
        Value::Unknown(u.derived(|s| s.member(name)))
    }

    #[test]
    fn an_unknown_equals_only_itself() {
        let rule = param("rule");
        assert_eq!(loosely_equals(&rule, &rule), Tri::Yes);
        assert!(matches!(loosely_equals(&member(&rule, "start"), &member(&rule, "end")), Tri::Unknown(_)));
        assert_eq!(loosely_equals(&member(&rule, "Start"), &member(&rule, "start")), Tri::Yes);
        assert!(matches!(loosely_equals(&param("a"), &param("b")), Tri::Unknown(_)));
        let opaque = Value::unknown("utcNow()", Origin::default());
        assert!(matches!(loosely_equals(&opaque, &opaque), Tri::Unknown(_)));
    }

    #[test]
    fn partial_strings_differ_only_where_known_text_differs() {
        let p = |text: &str, tail: &str| {
            Value::concat(vec![Value::String(text.into()), param("x"), Value::String(tail.into())], Origin::default())
        };
        assert_eq!(loosely_equals(&p("pg-", ""), &p("PG-", "")), Tri::Yes);
        assert_eq!(strictly_equals(&p("pg-", ""), &p("PG-", "")), Tri::No);
        assert_eq!(loosely_equals(&p("pg-a", ""), &p("pg-b", "")), Tri::No);
        assert!(matches!(loosely_equals(&p("pg-", ""), &p("pg-a", "")), Tri::Unknown(_)));
        assert_eq!(loosely_equals(&p("pg-", "/x"), &Value::String("pg-1/y".into())), Tri::No);
        assert_eq!(loosely_equals(&p("pg-", "-pg"), &Value::String("pg-pg".into())), Tri::No);
        assert!(matches!(loosely_equals(&p("pg-", ""), &Value::String("pg-prod".into())), Tri::Unknown(_)));
    }
}
