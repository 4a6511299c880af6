//! Logical, comparison and numeric functions. `if()`, `and()`, `or()` and `coalesce()`
//! evaluate their arguments on demand, so a known argument decides even beside unknown ones.

use super::{Args, Body, Ctx, Function, MANY};
use crate::eval::ops::{self, Op};
use crate::model::{Node, Tri, Value};

pub static FUNCTIONS: &[Function] = &[
    Function { name: "equals", min: 2, max: 2, body: Body::Tolerant(equals) },
    Function { name: "less", min: 2, max: 2, body: Body::Tolerant(less) },
    Function { name: "lessOrEquals", min: 2, max: 2, body: Body::Tolerant(less_or_equals) },
    Function { name: "greater", min: 2, max: 2, body: Body::Tolerant(greater) },
    Function { name: "greaterOrEquals", min: 2, max: 2, body: Body::Tolerant(greater_or_equals) },
    Function { name: "add", min: 2, max: 2, body: Body::Tolerant(add) },
    Function { name: "sub", min: 2, max: 2, body: Body::Tolerant(sub) },
    Function { name: "mul", min: 2, max: 2, body: Body::Tolerant(mul) },
    Function { name: "div", min: 2, max: 2, body: Body::Tolerant(div) },
    Function { name: "mod", min: 2, max: 2, body: Body::Tolerant(modulo) },
    Function { name: "not", min: 1, max: 1, body: Body::Tolerant(not) },
    Function { name: "and", min: 1, max: MANY, body: Body::Lazy(and) },
    Function { name: "or", min: 1, max: MANY, body: Body::Lazy(or) },
    Function { name: "if", min: 3, max: 3, body: Body::Lazy(if_) },
    Function { name: "coalesce", min: 1, max: MANY, body: Body::Lazy(coalesce) },
    Function { name: "bool", min: 1, max: 1, body: Body::Strict(bool) },
    Function { name: "int", min: 1, max: 1, body: Body::Tolerant(int) },
    Function { name: "true", min: 0, max: 0, body: Body::Tolerant(|_, _| Value::Bool(true)) },
    Function { name: "false", min: 0, max: 0, body: Body::Tolerant(|_, _| Value::Bool(false)) },
    Function { name: "null", min: 0, max: 0, body: Body::Tolerant(|_, _| Value::Null) },
];

fn binary(op: Op, args: &[Node], ctx: &Ctx) -> Value {
    ops::binary(op, &args[0].value, &args[1].value, ctx.origin)
}

fn equals(args: &[Node], ctx: &Ctx) -> Value {
    binary(Op::Equals, args, ctx)
}

fn less(args: &[Node], ctx: &Ctx) -> Value {
    binary(Op::Less, args, ctx)
}

fn less_or_equals(args: &[Node], ctx: &Ctx) -> Value {
    binary(Op::LessOrEqual, args, ctx)
}

fn greater(args: &[Node], ctx: &Ctx) -> Value {
    binary(Op::Greater, args, ctx)
}

fn greater_or_equals(args: &[Node], ctx: &Ctx) -> Value {
    binary(Op::GreaterOrEqual, args, ctx)
}

fn add(args: &[Node], ctx: &Ctx) -> Value {
    binary(Op::Add, args, ctx)
}

fn sub(args: &[Node], ctx: &Ctx) -> Value {
    binary(Op::Subtract, args, ctx)
}

fn mul(args: &[Node], ctx: &Ctx) -> Value {
    binary(Op::Multiply, args, ctx)
}

fn div(args: &[Node], ctx: &Ctx) -> Value {
    binary(Op::Divide, args, ctx)
}

fn modulo(args: &[Node], ctx: &Ctx) -> Value {
    binary(Op::Modulo, args, ctx)
}

fn not(args: &[Node], ctx: &Ctx) -> Value {
    ops::not(&args[0].value, ctx.origin)
}

/// `and()` / `or()`: `decisive` (false for `and`) decides at once; otherwise unknown if any
/// argument is.
fn logical(args: &mut dyn Args, ctx: &Ctx, decisive: bool, name: &str) -> Value {
    let mut unknowns = Vec::new();
    for i in 0..args.len() {
        let value = args.value(i).value;
        match ops::truth(&value, ctx.origin) {
            Tri::Yes if decisive => return Value::Bool(true),
            Tri::No if !decisive => return Value::Bool(false),
            Tri::Unknown(_) => unknowns.push(value),
            _ => {}
        }
    }
    if unknowns.is_empty() { Value::Bool(!decisive) } else { ops::unknown_of(name, &unknowns, ctx.origin) }
}

fn and(args: &mut dyn Args, ctx: &Ctx) -> Value {
    logical(args, ctx, false, "and")
}

fn or(args: &mut dyn Args, ctx: &Ctx) -> Value {
    logical(args, ctx, true, "or")
}

fn if_(args: &mut dyn Args, ctx: &Ctx) -> Value {
    let condition = args.value(0).value;
    match ops::truth(&condition, ctx.origin) {
        Tri::Yes => args.value(1).value,
        Tri::No => args.value(2).value,
        Tri::Unknown(_) => {
            let (a, b) = (args.value(1), args.value(2));
            // Both branches the same value: the condition does not matter.
            if crate::model::compare::strictly_equals(&a.value, &b.value) == Tri::Yes {
                return a.value;
            }
            ops::choice(&condition, a, b, ctx.origin)
        }
    }
}

/// The first argument that is not null; an unknown that may be null before it gives a value
/// with alternatives (see `ops::coalesce`). Arguments after the first surely non-null one are
/// not evaluated.
fn coalesce(args: &mut dyn Args, ctx: &Ctx) -> Value {
    let mut values = Vec::new();
    for i in 0..args.len() {
        let value = args.value(i).value;
        let last = !matches!(value, Value::Null | Value::Unknown(_));
        values.push(value);
        if last {
            break;
        }
    }
    ops::coalesce(&values, &ops::name_of, ctx.origin)
}

fn bool(args: &[Node], _: &Ctx) -> Option<Value> {
    match &args[0].value {
        Value::Bool(b) => Some(Value::Bool(*b)),
        Value::Int(i) => Some(Value::Bool(*i != 0)),
        Value::String(s) => match s.to_ascii_lowercase().as_str() {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        _ => None,
    }
}

/// `int(x)`: an unknown number keeps its range (`@minValue`), being already a number.
fn int(args: &[Node], ctx: &Ctx) -> Value {
    let value = &args[0].value;
    let plain = || ops::unknown_of("int", std::slice::from_ref(value), ctx.origin);
    match value {
        Value::Int(i) => Value::Int(*i),
        Value::String(s) => s.trim().parse().map_or_else(|_| plain(), Value::Int),
        Value::Unknown(crate::model::Unknown { bounds: Some(bounds), .. }) => match plain() {
            Value::Unknown(u) => Value::Unknown(u.with_bounds(*bounds)),
            other => other,
        },
        _ => plain(),
    }
}
