//! `min()` and `max()` over integers, given one by one or as an array.

use super::{Body, Ctx, Function, MANY};
use crate::model::{Node, Value};

pub static FUNCTIONS: &[Function] = &[
    Function { name: "min", min: 1, max: MANY, body: Body::Strict(min) },
    Function { name: "max", min: 1, max: MANY, body: Body::Strict(max) },
];

/// The integers `min()`/`max()` compare: the arguments, or the one array's elements. `None`
/// while any is not a known integer; an empty array is an error in Azure.
fn numbers(args: &[Node]) -> Option<Vec<i64>> {
    let values: Vec<&Value> = match args {
        [Node { value: Value::Array(items), .. }] => items.iter().map(|n| &n.value).collect(),
        _ => args.iter().map(|n| &n.value).collect(),
    };
    values
        .into_iter()
        .map(|v| match v {
            Value::Int(i) => Some(*i),
            _ => None,
        })
        .collect()
}

fn min(args: &[Node], ctx: &Ctx) -> Option<Value> {
    let numbers = numbers(args)?;
    Some(numbers.into_iter().min().map_or_else(|| Value::unknown("`min()` of an empty array", ctx.origin), Value::Int))
}

fn max(args: &[Node], ctx: &Ctx) -> Option<Value> {
    let numbers = numbers(args)?;
    Some(numbers.into_iter().max().map_or_else(|| Value::unknown("`max()` of an empty array", ctx.origin), Value::Int))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{array, call, int, unknown_param};
    use crate::model::Value;

    #[test]
    fn min_and_max_of_arguments_and_arrays() {
        assert_eq!(call("min", vec![int(6), int(4), int(8), int(1), int(2)]), int(1));
        assert_eq!(call("max", vec![array(vec![int(0), int(3), int(2), int(5), int(4)])]), int(5));
        assert_eq!(call("max", vec![int(-3)]), int(-3));
        assert!(matches!(call("min", vec![array(vec![])]), Value::Unknown(u) if u.sym.is_none()));
        assert!(matches!(call("max", vec![int(1), unknown_param("p")]), Value::Unknown(u) if u.sym.is_some()));
        let partly = array(vec![int(1), unknown_param("p")]);
        assert!(matches!(call("max", vec![partly]), Value::Unknown(u) if u.sym.is_some()));
    }
}
