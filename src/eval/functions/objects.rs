//! Functions that read objects: `objectKeys()` and `tryGet()`. An object with an unknown
//! spread may hold any key, so a key it does not show is not known to be missing.

use super::{Body, Ctx, Function, MANY};
use crate::model::{Node, UNKNOWN_SPREAD, Value};

pub static FUNCTIONS: &[Function] = &[
    Function { name: "objectKeys", min: 1, max: 1, body: Body::Strict(object_keys) },
    Function { name: "tryGet", min: 2, max: MANY, body: Body::Strict(try_get) },
];

fn object_keys(args: &[Node], ctx: &Ctx) -> Option<Value> {
    let Value::Object(members) = &args[0].value else { return None };
    if members.iter().any(|(k, _)| k == UNKNOWN_SPREAD) {
        return None;
    }
    Some(Value::Array(members.iter().map(|(k, _)| Node::new(Value::String(k.clone()), ctx.origin)).collect()))
}

/// `tryGet(value, keyOrIndex…)`: follows each key (without case) or index; a missing one
/// gives null.
fn try_get(args: &[Node], _: &Ctx) -> Option<Value> {
    let mut current = args[0].value.clone();
    for key in &args[1..] {
        current = match (&current, &key.value) {
            (Value::Null, _) => return Some(Value::Null),
            (Value::Object(members), Value::String(k)) => {
                match members.iter().find(|(name, _)| name.eq_ignore_ascii_case(k)) {
                    Some((_, n)) => n.value.clone(),
                    None if members.iter().any(|(name, _)| name == UNKNOWN_SPREAD) => return None,
                    None => return Some(Value::Null),
                }
            }
            (Value::Array(items), Value::Int(i)) => match usize::try_from(*i).ok().and_then(|i| items.get(i)) {
                Some(n) => n.value.clone(),
                None => return Some(Value::Null),
            },
            // Partly known: the rest is the symbolic call.
            _ => return None,
        };
    }
    Some(current)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{array, call, int, object, s, unknown_param};
    use crate::model::Value;

    #[test]
    fn object_keys_in_order() {
        let o = object(vec![("b", int(1)), ("a", int(2))]);
        assert_eq!(call("objectKeys", vec![o]), array(vec![s("b"), s("a")]));
        assert_eq!(call("objectKeys", vec![object(vec![])]), array(vec![]));
        assert!(matches!(call("objectKeys", vec![unknown_param("p")]), Value::Unknown(u) if u.sym.is_some()));
    }

    #[test]
    fn try_get_follows_keys_and_indices() {
        let o = object(vec![("tier", s("Burstable")), ("list", array(vec![int(7)]))]);
        assert_eq!(call("tryGet", vec![o.clone(), s("TIER")]), s("Burstable"));
        assert_eq!(call("tryGet", vec![o.clone(), s("missing")]), Value::Null);
        assert_eq!(call("tryGet", vec![o.clone(), s("list"), int(0)]), int(7));
        assert_eq!(call("tryGet", vec![o.clone(), s("list"), int(5)]), Value::Null);
        assert_eq!(call("tryGet", vec![o.clone(), s("missing"), s("deeper")]), Value::Null);
        assert!(matches!(call("tryGet", vec![o, unknown_param("k")]), Value::Unknown(u) if u.sym.is_some()));
    }
}
