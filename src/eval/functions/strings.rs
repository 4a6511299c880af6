//! String functions. `concat()` and `format()` keep the known parts of a partly known string.

use super::{Body, Ctx, Function, MANY};
use crate::model::{Node, Tri, Value};

pub static FUNCTIONS: &[Function] = &[
    Function { name: "concat", min: 1, max: MANY, body: Body::Tolerant(concat) },
    Function { name: "format", min: 1, max: MANY, body: Body::Tolerant(format) },
    Function { name: "string", min: 1, max: 1, body: Body::Tolerant(string) },
    Function { name: "empty", min: 1, max: 1, body: Body::Tolerant(empty) },
    Function { name: "toLower", min: 1, max: 1, body: Body::Strict(to_lower) },
    Function { name: "toUpper", min: 1, max: 1, body: Body::Strict(to_upper) },
    Function { name: "trim", min: 1, max: 1, body: Body::Strict(trim) },
    Function { name: "split", min: 2, max: 2, body: Body::Strict(split) },
    Function { name: "replace", min: 3, max: 3, body: Body::Strict(replace) },
    Function { name: "startsWith", min: 2, max: 2, body: Body::Strict(starts_with) },
    Function { name: "endsWith", min: 2, max: 2, body: Body::Strict(ends_with) },
    Function { name: "substring", min: 2, max: 3, body: Body::Strict(substring) },
    Function { name: "padLeft", min: 2, max: 3, body: Body::Strict(pad_left) },
    Function { name: "uniqueString", min: 1, max: MANY, body: Body::Symbolic },
    Function { name: "guid", min: 1, max: MANY, body: Body::Symbolic },
    Function { name: "newGuid", min: 0, max: 0, body: Body::Runtime },
    Function { name: "utcNow", min: 0, max: 1, body: Body::Runtime },
];

fn text(node: &Node) -> Option<&str> {
    node.value.as_str()
}

fn concat(args: &[Node], ctx: &Ctx) -> Value {
    if matches!(args[0].value, Value::Array(_)) {
        let mut items = Vec::new();
        for arg in args {
            match &arg.value {
                Value::Array(more) => items.extend(more.iter().cloned()),
                other => return crate::eval::ops::unknown_of("concat", std::slice::from_ref(other), ctx.origin),
            }
        }
        return Value::Array(items);
    }
    // Only unknowns (and nulls): arrays or strings, which is not known.
    let stringy =
        args.iter().any(|a| matches!(a.value, Value::String(_) | Value::Partial(_) | Value::Int(_) | Value::Bool(_)));
    let plain: Vec<Value> = args.iter().map(|a| a.value.clone()).collect();
    if !stringy && args.iter().any(|a| matches!(a.value, Value::Unknown(_))) {
        return crate::eval::ops::unknown_of("concat", &plain, ctx.origin);
    }
    Value::concat(plain, ctx.origin)
}

fn string(args: &[Node], ctx: &Ctx) -> Value {
    match &args[0].value {
        v @ (Value::String(_) | Value::Partial(_)) => v.clone(),
        Value::Int(i) => Value::String(i.to_string()),
        Value::Bool(b) => Value::String(if *b { "True" } else { "False" }.into()),
        Value::Null => Value::String(String::new()),
        v @ Value::ResourceId(_) => Value::concat(vec![v.clone()], ctx.origin),
        v @ (Value::Array(_) | Value::Object(_)) => super::encoding::json_text(v, ctx),
        other => crate::eval::ops::unknown_of("string", std::slice::from_ref(other), ctx.origin),
    }
}

fn empty(args: &[Node], ctx: &Ctx) -> Value {
    match &args[0].value {
        Value::Null => Value::Bool(true),
        Value::String(s) => Value::Bool(s.is_empty()),
        Value::Array(a) => Value::Bool(a.is_empty()),
        Value::Object(o) if !o.iter().any(|(k, _)| k == crate::model::UNKNOWN_SPREAD) => Value::Bool(o.is_empty()),
        Value::ResourceId(_) => Value::Bool(false),
        v @ Value::Partial(_) => match v.is_non_empty_string() {
            Tri::Yes => Value::Bool(false),
            Tri::No => Value::Bool(true),
            Tri::Unknown(_) => crate::eval::ops::unknown_of("empty", std::slice::from_ref(v), ctx.origin),
        },
        other => crate::eval::ops::unknown_of("empty", std::slice::from_ref(other), ctx.origin),
    }
}

fn to_lower(args: &[Node], _: &Ctx) -> Option<Value> {
    text(&args[0]).map(|s| Value::String(s.to_lowercase()))
}

fn to_upper(args: &[Node], _: &Ctx) -> Option<Value> {
    text(&args[0]).map(|s| Value::String(s.to_uppercase()))
}

fn trim(args: &[Node], _: &Ctx) -> Option<Value> {
    text(&args[0]).map(|s| Value::String(s.trim().to_string()))
}

fn split(args: &[Node], ctx: &Ctx) -> Option<Value> {
    let s = text(&args[0])?;
    let separators: Vec<String> = match &args[1].value {
        Value::String(sep) => vec![sep.clone()],
        Value::Array(items) => items.iter().map(|n| n.value.as_str().map(str::to_string)).collect::<Option<_>>()?,
        _ => return None,
    };
    if separators.iter().any(String::is_empty) {
        return None;
    }
    let mut pieces = vec![s.to_string()];
    for sep in &separators {
        pieces = pieces.iter().flat_map(|p| p.split(sep.as_str()).map(str::to_string).collect::<Vec<_>>()).collect();
    }
    Some(Value::Array(pieces.into_iter().map(|p| Node::new(Value::String(p), ctx.origin)).collect()))
}

fn replace(args: &[Node], _: &Ctx) -> Option<Value> {
    let (s, old, new) = (text(&args[0])?, text(&args[1])?, text(&args[2])?);
    (!old.is_empty()).then(|| Value::String(s.replace(old, new)))
}

fn starts_with(args: &[Node], _: &Ctx) -> Option<Value> {
    let (s, p) = (text(&args[0])?, text(&args[1])?);
    Some(Value::Bool(s.to_lowercase().starts_with(&p.to_lowercase())))
}

fn ends_with(args: &[Node], _: &Ctx) -> Option<Value> {
    let (s, p) = (text(&args[0])?, text(&args[1])?);
    Some(Value::Bool(s.to_lowercase().ends_with(&p.to_lowercase())))
}

fn substring(args: &[Node], _: &Ctx) -> Option<Value> {
    let chars: Vec<char> = text(&args[0])?.chars().collect();
    let Value::Int(start) = args[1].value else { return None };
    let length = match args.get(2).map(|n| &n.value) {
        Some(Value::Int(l)) => *l,
        Some(_) => return None,
        None => chars.len() as i64 - start,
    };
    let start = usize::try_from(start).ok()?;
    let end = start.checked_add(usize::try_from(length).ok()?)?;
    chars.get(start..end).map(|c| Value::String(c.iter().collect()))
}

/// `padLeft(value, totalLength, [char])`: a string or integer padded on the left with one
/// character (a space by default) to `totalLength` characters.
fn pad_left(args: &[Node], ctx: &Ctx) -> Option<Value> {
    let value = match &args[0].value {
        Value::String(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        _ => return None,
    };
    let Value::Int(total) = args[1].value else { return None };
    let padding = match args.get(2).map(|n| &n.value) {
        None => ' ',
        Some(Value::String(p)) if p.chars().count() == 1 => p.chars().next()?,
        Some(Value::String(_)) => {
            return Some(Value::unknown("`padLeft()` takes one padding character", ctx.origin));
        }
        Some(_) => return None,
    };
    // A string longer than a value may weigh is not built.
    let limit = crate::eval::limits::MAX_VALUE_WEIGHT * 16;
    let Some(total) = usize::try_from(total).ok().filter(|t| *t <= limit) else {
        return Some(Value::unknown(format!("`padLeft()` to {total} characters"), ctx.origin));
    };
    let missing = total.saturating_sub(value.chars().count());
    Some(Value::String(std::iter::repeat_n(padding, missing).chain(value.chars()).collect()))
}

/// .NET composite formatting as ARM's `format()` does it: `{0}`, `{1}`, `{{` and `}}`.
/// Alignment and format strings (`{0,5}`, `{0:D3}`) are .NET's: not computed.
fn format(args: &[Node], ctx: &Ctx) -> Value {
    let origin = ctx.origin;
    let plain: Vec<Value> = args.iter().map(|n| n.value.clone()).collect();
    let Value::String(fmt) = &args[0].value else {
        return crate::eval::ops::unknown_of("format", &plain, origin);
    };
    let rest = &plain[1..];
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
                if !closed || spec.contains([':', ',']) {
                    let reason = format!("`format()` placeholder `{{{spec}` is not evaluated");
                    return match crate::eval::ops::derived("format", &plain) {
                        Some(u) => Value::Unknown(u),
                        None => Value::Unknown(crate::model::Unknown::symbolic(
                            reason,
                            origin,
                            crate::model::Sym::call("format", plain.clone()),
                        )),
                    };
                }
                let Some(arg) = spec.trim().parse::<usize>().ok().and_then(|i| rest.get(i)) else {
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

#[cfg(test)]
mod tests {
    use super::super::testing::{array, call, int, object, s, unknown_param};
    use crate::model::Value;

    #[test]
    fn pad_left_pads_strings_and_integers() {
        assert_eq!(call("padLeft", vec![s("123"), int(10), s("0")]), s("0000000123"));
        assert_eq!(call("padLeft", vec![int(7), int(3), s("0")]), s("007"));
        assert_eq!(call("padLeft", vec![s("abc"), int(2)]), s("abc"));
        assert_eq!(call("padLeft", vec![s(""), int(2)]), s("  "));
        assert!(matches!(call("padLeft", vec![s("a"), int(3), s("xy")]), Value::Unknown(u) if u.sym.is_none()));
        assert!(matches!(call("padLeft", vec![s("a"), int(i64::MAX)]), Value::Unknown(u) if u.sym.is_none()));
        assert!(matches!(call("padLeft", vec![unknown_param("p"), int(3)]), Value::Unknown(u) if u.sym.is_some()));
    }

    #[test]
    fn string_of_arrays_and_objects_is_json() {
        let o = object(vec![("valueA", int(10)), ("valueB", s("Example Text"))]);
        assert_eq!(call("string", vec![o]), s(r#"{"valueA":10,"valueB":"Example Text"}"#));
        assert_eq!(call("string", vec![array(vec![s("a"), s("b"), s("c")])]), s(r#"["a","b","c"]"#));
        assert_eq!(call("string", vec![Value::Bool(true)]), s("True"));
        let open = call("string", vec![array(vec![unknown_param("p")])]);
        assert!(matches!(open, Value::Unknown(u) if u.sym.is_some()));
    }
}
