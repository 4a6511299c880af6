//! The operations both languages share, on evaluated values: member and element access,
//! operators, object building with spreads, conditions. An operation on unknowns gives an
//! unknown that stands for the operation over them (see `model::Sym`).

use crate::eval::limits::MAX_OPTIONS;
use crate::model::compare::{self, Case};
use crate::model::{Node, Options, Sym, TraceKind, TraceStep, Tri, UNKNOWN_SPREAD, Unknown, Value};
use crate::source::Origin;

/// Operators, written as Bicep writes them and as ARM calls them (`equals()`, `less()`…).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Equals,
    NotEquals,
    EqualsInsensitive,
    NotEqualsInsensitive,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulo,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Equals => "==",
            Op::NotEquals => "!=",
            Op::EqualsInsensitive => "=~",
            Op::NotEqualsInsensitive => "!~",
            Op::Less => "<",
            Op::LessOrEqual => "<=",
            Op::Greater => ">",
            Op::GreaterOrEqual => ">=",
            Op::Add => "+",
            Op::Subtract => "-",
            Op::Multiply => "*",
            Op::Divide => "/",
            Op::Modulo => "%",
        }
    }
}

/// The unknown result of `function` over `args`: it stands for that call when every unknown
/// in the arguments stands for an expression, and for nothing otherwise. `None` when no
/// argument is unknown.
pub fn derived(function: &str, args: &[Value]) -> Option<Unknown> {
    let first = args.iter().find_map(deep_unknown)?;
    let symbolic = args.iter().all(all_symbolic);
    Some(Unknown {
        reason: first.reason.clone(),
        origin: first.origin,
        sym: symbolic.then(|| Sym::call(function, args.to_vec())),
        options: None,
        bounds: None,
    })
}

fn deep_unknown(value: &Value) -> Option<&Unknown> {
    match value {
        Value::Array(items) => items.iter().find_map(|n| deep_unknown(&n.value)),
        Value::Object(members) => members.iter().find_map(|(_, n)| deep_unknown(&n.value)),
        other => other.first_unknown(),
    }
}

fn all_symbolic(value: &Value) -> bool {
    match value {
        Value::Unknown(u) => u.sym.is_some(),
        Value::Partial(parts) => parts.iter().all(|p| match p {
            crate::model::StrPart::Unknown(u) => u.sym.is_some(),
            crate::model::StrPart::Text(_) => true,
        }),
        Value::Array(items) => items.iter().all(|n| all_symbolic(&n.value)),
        Value::Object(members) => members.iter().all(|(_, n)| all_symbolic(&n.value)),
        Value::ResourceId(id) => all_symbolic(&id.name),
        _ => true,
    }
}

/// The values a result over `args` may take, when an argument is an unknown with options
/// (several such arguments must be picked by one input: their options match one to one):
/// `f` computed over each option. `None` when no argument has options, or they are picked
/// by different inputs.
pub fn map_options(args: &[Value], f: impl Fn(&[Value]) -> Value) -> Option<Options> {
    let with = |v: &Value| match v {
        Value::Unknown(Unknown { options: Some(o), .. }) => Some(o.clone()),
        _ => None,
    };
    let first = args.iter().find_map(with)?;
    // For each argument with options, which of its options each of `first`'s pairs with.
    let pairings: Vec<Option<Vec<usize>>> = args
        .iter()
        .map(|a| match with(a) {
            None => Some(Vec::new()),
            Some(o) if std::sync::Arc::ptr_eq(&o, &first) => Some((0..o.values.len()).collect()),
            Some(o) => first.pairing(&o),
        })
        .collect();
    if pairings.iter().any(Option::is_none) {
        return None;
    }
    let values = (0..first.values.len())
        .map(|i| {
            let picked: Vec<Value> = args
                .iter()
                .zip(&pairings)
                .map(|(a, pairing)| match (with(a), pairing) {
                    (Some(o), Some(p)) => o.values[p[i]].0.value.clone(),
                    _ => a.clone(),
                })
                .collect();
            let (node, label) = &first.values[i];
            (Node::new(f(&picked), node.origin), label.clone())
        })
        .collect();
    Some(Options { input: first.input.clone(), key: first.key.clone(), values, when: first.when.clone() })
}

/// `result`, computed over `args`, with the values it may take when an argument has options.
fn mapped(result: Value, args: &[Value], f: impl Fn(&[Value]) -> Value) -> Value {
    match result {
        Value::Unknown(u) => match map_options(args, f) {
            Some(options) => Value::Unknown(u.with_options(options)),
            None => Value::Unknown(u),
        },
        known => known,
    }
}

/// A choice between `then` and `otherwise` on an unknown `condition`: an unknown that takes
/// one or the other.
pub fn choice(condition: &Value, then: Node, otherwise: Node, origin: Origin) -> Value {
    let args = [condition.clone(), then.value.clone(), otherwise.value.clone()];
    let Value::Unknown(u) = unknown_of("?:", &args, origin) else { return Value::unknown("?:", origin) };
    let Value::Unknown(c) = condition else { return Value::Unknown(u) };
    // Options nest: past a bound, the choice is a plain unknown.
    if leaves(&then.value) + leaves(&otherwise.value) > MAX_OPTIONS {
        return Value::Unknown(u);
    }
    let options = match &c.options {
        // A condition that is true or false for each value of its input: the branch each
        // value picks, paired with the input's value.
        Some(o) if o.values.iter().all(|(n, _)| matches!(n.value, Value::Bool(_))) => Options {
            input: o.input.clone(),
            key: o.key.clone(),
            values: o
                .values
                .iter()
                .map(|(n, label)| {
                    let branch = if n.value == Value::Bool(true) { then.clone() } else { otherwise.clone() };
                    (branch, label.clone())
                })
                .collect(),
            when: o.when.clone(),
        },
        _ => Options {
            input: format!("the condition on {}", crate::model::input_name(c)),
            key: c.sym.clone(),
            values: vec![(then, "holds".into()), (otherwise, "does not hold".into())],
            when: vec![Value::Bool(true), Value::Bool(false)],
        },
    };
    Value::Unknown(u.with_options(options))
}

/// The first of `values` that is not null: Bicep's `??` and both languages' `coalesce()`.
/// An unknown that may be null gives a value with alternatives: itself (when it is not null)
/// or what follows it; a rule that fails for what follows cannot pass. `name` says how
/// messages name such an unknown (`` `cfg.?sslMode` ``). An unknown that cannot be null (a
/// parameter without value, which is not nullable) is the answer.
pub fn coalesce(values: &[Value], name: &dyn Fn(&Unknown) -> String, origin: Origin) -> Value {
    let Some((first, rest)) = values.split_first() else { return Value::Null };
    let u = match first {
        Value::Null => return coalesce(rest, name, origin),
        Value::Unknown(u) if !rest.is_empty() => u,
        other => return other.clone(),
    };
    let Value::Unknown(result) = unknown_of("coalesce", values, origin) else { return first.clone() };
    if let Some(options) = &u.options {
        if options.values.iter().all(|(n, _)| n.value != Value::Null) {
            return first.clone();
        }
        // Each value it may take, followed by the rest.
        let values: Vec<(Node, String)> = options
            .values
            .iter()
            .map(|(n, label)| {
                let picked: Vec<Value> = std::iter::once(n.value.clone()).chain(rest.iter().cloned()).collect();
                (Node::new(coalesce(&picked, name, origin), n.origin), label.clone())
            })
            .collect();
        if values.iter().map(|(n, _)| leaves(&n.value)).sum::<usize>() > MAX_OPTIONS {
            return Value::Unknown(result);
        }
        let options = Options { values, ..Options::clone(options) };
        return Value::Unknown(result.with_options(options));
    }
    if !may_be_null(u) {
        return first.clone();
    }
    let otherwise = coalesce(rest, name, origin);
    if 1 + leaves(&otherwise) > MAX_OPTIONS {
        return Value::Unknown(result);
    }
    let options = Options {
        input: name(u),
        key: u.sym.clone(),
        values: vec![
            (Node::new(first.clone(), u.origin), "is not null".into()),
            (Node::new(otherwise, origin), "is null".into()),
        ],
        when: vec![first.clone(), Value::Null],
    };
    Value::Unknown(result.with_options(options))
}

/// Whether an unknown may be null: anything but a parameter without value (which must be
/// given, and not as null), a bounded number, a value of the deployment's scope or a loop's
/// position.
fn may_be_null(u: &Unknown) -> bool {
    use crate::model::SymKind;
    u.bounds.is_none()
        && !matches!(
            u.sym.as_ref().map(|s| s.kind()),
            Some(
                SymKind::Param { .. }
                    | SymKind::Scope { .. }
                    | SymKind::LoopPosition { .. }
                    | SymKind::Deployment { .. }
            )
        )
}

/// How a message names an unknown by its symbol: `` `cfg.sslmode` `` for a parameter's
/// member, else the input it depends on.
pub fn name_of(u: &Unknown) -> String {
    use crate::model::SymKind;
    fn path(sym: &Sym) -> Option<String> {
        match sym.kind() {
            SymKind::Param { name, .. } => Some(name.to_string()),
            SymKind::Member(base, name) => Some(format!("{}.{name}", path(base)?)),
            SymKind::Index(base, Value::Int(i)) => Some(format!("{}[{i}]", path(base)?)),
            SymKind::Index(base, Value::String(k)) => Some(format!("{}['{k}']", path(base)?)),
            _ => None,
        }
    }
    match u.sym.as_ref().and_then(path) {
        Some(p) => format!("`{p}`"),
        None => crate::model::input_name(u),
    }
}

/// How many plain values a value with options stands for, options of options counted.
fn leaves(value: &Value) -> usize {
    match value {
        Value::Unknown(Unknown { options: Some(o), .. }) => o.values.iter().map(|(n, _)| leaves(&n.value)).sum(),
        _ => 1,
    }
}

/// `a` then `b`, kept short: the first and last steps of a long chain.
pub fn join_trace(a: Vec<TraceStep>, b: &[TraceStep]) -> Vec<TraceStep> {
    crate::model::join_traces(a, b)
}

/// The trace of a value that does not reveal the values it was computed from (a hash, a
/// length): the same steps, none of them a secure input any more.
pub fn conceal(trace: Vec<TraceStep>) -> Vec<TraceStep> {
    trace
        .into_iter()
        .map(|mut step| {
            match &mut step.kind {
                TraceKind::ParamDefault { secure, .. }
                | TraceKind::Parameter { secure, .. }
                | TraceKind::ParamFile { secure, .. }
                | TraceKind::ModuleInput { secure, .. } => *secure = false,
                TraceKind::Secret => step.kind = TraceKind::Note("computed from a secret read at deployment".into()),
                _ => {}
            }
            step
        })
        .collect()
}

/// `base.name` (`base.?name` when `safe`): ARM and Bicep read members without regard to case.
pub fn member(base: Node, name: &str, safe: bool, origin: Origin) -> Node {
    let value = match &base.value {
        Value::Object(_) => match base.get(name) {
            Some(found) => {
                let trace = join_trace(base.trace.clone(), &found.trace);
                return Node { value: found.value.clone(), origin, trace };
            }
            None => match base.get(UNKNOWN_SPREAD).map(|s| &s.value) {
                // What an unknown spread gives: the same member of it.
                Some(Value::Unknown(u)) => Value::Unknown(u.derived(|s| s.member(name))),
                Some(other) => Value::unknown(format!("a spread of {} may give `{name}`", other.describe()), origin),
                None if safe => Value::Null,
                None => Value::unknown(format!("the object has no property `{name}`"), origin),
            },
        },
        Value::Unknown(u) => {
            let derived = u.derived(|s| s.member(name));
            match &u.options {
                // Each value it may take, read the same way.
                Some(options) => {
                    let values = options
                        .values
                        .iter()
                        .map(|(node, label)| (member(node.clone(), name, safe, node.origin), label.clone()))
                        .collect();
                    let options = Options {
                        input: options.input.clone(),
                        key: options.key.clone(),
                        values,
                        when: options.when.clone(),
                    };
                    Value::Unknown(derived.with_options(options))
                }
                None => Value::Unknown(derived),
            }
        }
        Value::Null if safe => Value::Null,
        other => Value::unknown(format!("`.{name}` of {}", other.describe()), origin),
    };
    Node { value, origin, trace: base.trace }
}

/// `base[index]` (`base[?index]` when `safe`, `base[^index]` when `from_end`).
pub fn index(base: Node, index: Node, safe: bool, from_end: bool, origin: Origin) -> Node {
    let value = match (&base.value, &index.value) {
        (Value::Array(items), Value::Int(i)) => {
            let position = if from_end { (items.len() as i64).checked_sub(*i) } else { Some(*i) };
            match position.and_then(|p| usize::try_from(p).ok()).and_then(|p| items.get(p)) {
                Some(item) => {
                    let trace = join_trace(base.trace.clone(), &item.trace);
                    return Node { value: item.value.clone(), origin, trace };
                }
                None if safe => Value::Null,
                None => Value::unknown(format!("index {i} is out of range"), origin),
            }
        }
        (Value::Object(_), Value::String(key)) if !from_end => return member(base, key, safe, origin),
        (Value::Unknown(u), _) if !from_end => Value::Unknown(u.derived(|s| s.index(index.value.clone()))),
        (Value::Null, _) if safe => Value::Null,
        (b, i) => match derived(if from_end { "[^]" } else { "[]" }, &[b.clone(), i.clone()]) {
            Some(u) => Value::Unknown(u),
            None => Value::unknown(format!("{} cannot be indexed by {}", b.describe(), i.describe()), origin),
        },
    };
    Node { value, origin, trace: base.trace }
}

/// A binary operator on evaluated operands (`&&`, `||` and `??` are lazy: see the front ends).
pub fn binary(op: Op, left: &Value, right: &Value, origin: Origin) -> Value {
    let result = binary_once(op, left, right, origin);
    mapped(result, &[left.clone(), right.clone()], |a| binary_once(op, &a[0], &a[1], origin))
}

fn binary_once(op: Op, left: &Value, right: &Value, origin: Origin) -> Value {
    let equality = |case, negate: bool| {
        let t = compare::equals(left, right, case);
        if negate { t.negated() } else { t }
    };
    let result = match op {
        Op::Equals => equality(Case::Sensitive, false),
        Op::NotEquals => equality(Case::Sensitive, true),
        Op::EqualsInsensitive => equality(Case::Insensitive, false),
        Op::NotEqualsInsensitive => equality(Case::Insensitive, true),
        _ => return arithmetic(op, left, right, origin),
    };
    match result {
        Tri::Unknown(_) => unknown_of(op.name(), &[left.clone(), right.clone()], origin),
        known => known.to_value(),
    }
}

fn arithmetic(op: Op, left: &Value, right: &Value, origin: Origin) -> Value {
    match (left, right) {
        (Value::Int(a), Value::Int(b)) => {
            let (a, b) = (*a, *b);
            let result = match op {
                Op::Less => return Value::Bool(a < b),
                Op::LessOrEqual => return Value::Bool(a <= b),
                Op::Greater => return Value::Bool(a > b),
                Op::GreaterOrEqual => return Value::Bool(a >= b),
                Op::Add => a.checked_add(b),
                Op::Subtract => a.checked_sub(b),
                Op::Multiply => a.checked_mul(b),
                Op::Divide => a.checked_div(b),
                Op::Modulo => a.checked_rem(b),
                _ => None,
            };
            result.map_or_else(|| Value::unknown("integer overflow or division by zero", origin), Value::Int)
        }
        (Value::String(a), Value::String(b))
            if matches!(op, Op::Less | Op::LessOrEqual | Op::Greater | Op::GreaterOrEqual) =>
        {
            // ARM orders strings as .NET's culture comparison does: letters without regard to
            // case first, then lower case before upper. Computed for letters and digits only.
            let plain = |s: &str| s.chars().all(|c| c.is_ascii_alphanumeric());
            if !plain(a) || !plain(b) {
                return unknown_of(op.name(), &[left.clone(), right.clone()], origin);
            }
            let key = |s: &str| -> (String, Vec<bool>) {
                (s.to_ascii_lowercase(), s.chars().map(|c| c.is_ascii_uppercase()).collect())
            };
            let ordering = key(a).cmp(&key(b));
            Value::Bool(match op {
                Op::Less => ordering.is_lt(),
                Op::LessOrEqual => ordering.is_le(),
                Op::Greater => ordering.is_gt(),
                _ => ordering.is_ge(),
            })
        }
        _ => match bounded_order(op, left, right) {
            Some(b) => Value::Bool(b),
            None => unknown_of(op.name(), &[left.clone(), right.clone()], origin),
        },
    }
}

/// `<`, `<=`, `>`, `>=` between a number and an unknown one whose range decides it
/// (`@minValue(7)` makes `days >= 7` true).
fn bounded_order(op: Op, left: &Value, right: &Value) -> Option<bool> {
    use compare::{at_least, at_most};
    let decided = |t: Tri| match t {
        Tri::Yes => Some(true),
        Tri::No => Some(false),
        Tri::Unknown(_) => None,
    };
    let not = |t: Tri| t.negated();
    match (left, right) {
        (Value::Unknown(Unknown { bounds: Some(_), .. }), Value::Int(b)) => decided(match op {
            Op::Less => not(at_least(left, *b)),
            Op::LessOrEqual => at_most(left, *b),
            Op::Greater => at_least(left, b.checked_add(1)?),
            Op::GreaterOrEqual => at_least(left, *b),
            _ => return None,
        }),
        (Value::Int(a), Value::Unknown(Unknown { bounds: Some(_), .. })) => decided(match op {
            Op::Less => at_least(right, a.checked_add(1)?),
            Op::LessOrEqual => at_least(right, *a),
            Op::Greater => not(at_least(right, *a)),
            Op::GreaterOrEqual => at_most(right, *a),
            _ => return None,
        }),
        _ => None,
    }
}

/// The unknown result of `name` over `args`, or a plain unknown when no argument is unknown
/// (the operation does not apply to them).
pub fn unknown_of(name: &str, args: &[Value], origin: Origin) -> Value {
    match derived(name, args) {
        Some(u) => Value::Unknown(u),
        None => Value::unknown(format!("`{name}` does not apply to {}", describe_all(args)), origin),
    }
}

fn describe_all(args: &[Value]) -> String {
    args.iter().map(Value::describe).collect::<Vec<_>>().join(" and ")
}

/// `!x`.
pub fn not(value: &Value, origin: Origin) -> Value {
    let once = |v: &Value| match v {
        Value::Bool(b) => Value::Bool(!b),
        other => unknown_of("!", std::slice::from_ref(other), origin),
    };
    mapped(once(value), std::slice::from_ref(value), |a| once(&a[0]))
}

/// `-x`: an unknown number's range is mirrored.
pub fn negate(value: &Value, origin: Origin) -> Value {
    match value {
        Value::Int(i) => i.checked_neg().map_or_else(|| Value::unknown("integer overflow", origin), Value::Int),
        Value::Unknown(u @ Unknown { bounds: Some(bounds), options: None, .. }) => {
            match unknown_of("neg", std::slice::from_ref(value), origin) {
                Value::Unknown(n) => Value::Unknown(Unknown { bounds: Some(bounds.negated()), ..n }),
                _ => Value::Unknown(u.plain()),
            }
        }
        other => unknown_of("neg", std::slice::from_ref(other), origin),
    }
}

/// A condition's truth: of a ternary, `if()`, a resource's or module's condition.
pub fn truth(value: &Value, origin: Origin) -> Tri {
    match value {
        Value::Bool(b) => Tri::from(*b),
        // True (or false) whichever value it takes.
        Value::Unknown(u @ Unknown { options: Some(options), .. }) => {
            let all = |b: bool| options.values.iter().all(|(n, _)| n.value == Value::Bool(b));
            if all(true) {
                Tri::Yes
            } else if all(false) {
                Tri::No
            } else {
                Tri::Unknown(u.clone())
            }
        }
        Value::Unknown(u) => Tri::Unknown(u.clone()),
        other => Tri::Unknown(Unknown::opaque(format!("the condition is {}, not a boolean", other.describe()), origin)),
    }
}

/// A later property or spread replaces an earlier one of the same name, as in Bicep and ARM.
pub fn set_member(members: &mut Vec<(String, Node)>, key: String, value: Node) {
    members.retain(|(existing, _)| !existing.eq_ignore_ascii_case(&key));
    members.push((key, value));
}

/// Spreads `spread` into an object under construction: a known object's members replace
/// those before them; an unknown one may replace any of them.
pub fn spread_into(members: &mut Vec<(String, Node)>, spread: Node) {
    let step = TraceStep::new(spread.origin, TraceKind::Spread);
    match spread.value {
        Value::Object(more) => {
            // Each member keeps the spread and where the spread object came from.
            let mut outer = vec![step];
            outer.extend(spread.trace.iter().cloned());
            for (k, mut v) in more {
                v.trace = join_trace(outer.clone(), &v.trace);
                set_member(members, k, v);
            }
        }
        Value::Null => {}
        other => {
            let unknown = match &other {
                Value::Unknown(u) => u.clone(),
                _ => Unknown::opaque(format!("the spread value is {}, not an object", other.describe()), spread.origin),
            };
            for (key, node) in members.iter_mut() {
                if key != UNKNOWN_SPREAD {
                    let reason = format!("it may be replaced by a later spread: {}", unknown.reason);
                    // Which it is: the spread's member of that name, or what was written.
                    let sym = unknown.sym.as_ref().map(|s| {
                        Sym::call(
                            "spread",
                            vec![
                                Value::Unknown(Unknown::symbolic("", spread.origin, s.member(key))),
                                node.value.clone(),
                            ],
                        )
                    });
                    node.value = Value::Unknown(Unknown {
                        reason: reason.into(),
                        origin: spread.origin,
                        sym,
                        options: None,
                        bounds: None,
                    });
                }
            }
            // Two unknown spreads: a member comes from either.
            let previous = members.iter().position(|(k, _)| k == UNKNOWN_SPREAD).map(|i| members.remove(i).1);
            let value = match previous {
                Some(previous) => unknown_of("spread", &[previous.value, Value::Unknown(unknown)], spread.origin),
                None => Value::Unknown(unknown),
            };
            members.push((UNKNOWN_SPREAD.to_string(), Node { value, origin: spread.origin, trace: spread.trace }));
        }
    }
}
