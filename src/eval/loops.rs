//! Loop elements, the same for Bicep `for` and ARM `copy`: a known array (or count) gives one
//! element per item, within the deployment's budget; an unknown one gives a single element
//! that stands for all of them, and whose existence is unknown.

use crate::eval::build::Build;
use crate::eval::limits::{MAX_ELEMENTS, MAX_INSTANCES, MAX_LOOP_ELEMENTS};

/// Which budget a loop's elements draw on: every loop draws loop elements; module and
/// resource loops (ARM resource copies) draw instances too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Draw {
    Elements,
    Instances,
}
use crate::model::{InstanceId, Node, Sym, SymKind, TraceKind, TraceStep, Tri, Unknown, Value};
use crate::source::Origin;

pub struct Element {
    pub item: Node,
    pub index: Node,
    /// `rules[2]`, or `rules[…]` for the element that stands for all.
    pub label: String,
    pub deployed: Tri,
    /// The single element that stands for all of a loop whose elements are not known.
    pub stands_for_all: bool,
}

/// The elements of a loop over `array`; `at` is the loop, `label` its name.
///
/// A loop longer than `MAX_ELEMENTS`, or met once the deployment's budget is spent, is judged
/// through one element standing for all, as a loop over an unknown array is: what does not
/// depend on the element (a literal insecure value) still fails. Either is reported.
pub fn over_array(
    build: &mut Build,
    array: Node,
    label: &str,
    at: Origin,
    instance: InstanceId,
    draw: Draw,
) -> Vec<Element> {
    match array.value {
        Value::Array(items) if items.len() > MAX_ELEMENTS => {
            let count = items.len() as i64;
            not_expanded(build, Node { value: Value::Array(Vec::new()), ..array }, label, at, instance, count)
        }
        Value::Array(items) if !build.take(draw, items.len()) => {
            let budget = match draw {
                Draw::Elements => format!("{MAX_LOOP_ELEMENTS} loop elements (loops, lambda and function calls)"),
                Draw::Instances => format!("{MAX_INSTANCES} instances of module and resource loops"),
            };
            if build.first_over_budget(draw) {
                let message = format!(
                    "the deployment's budget of {budget} is spent: loop `{label}` and those after it are judged through one element standing for all of theirs"
                );
                build.problem(at, message);
            }
            let unknown = Unknown::opaque(
                format!("loop `{label}` is not expanded: the deployment's budget of {budget} is spent"),
                at,
            );
            let deployed = if items.is_empty() { Tri::No } else { Tri::Yes };
            vec![standing_for_all(array.origin, array.trace, unknown, deployed, label, at, instance)]
        }
        Value::Array(items) => {
            let step = TraceStep::new(at, TraceKind::LoopElement { label: label.to_string() });
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| {
                    // An element keeps where its array came from (a parameter default, a variable).
                    let mut trace = crate::eval::ops::join_trace(array.trace.clone(), &item.trace);
                    trace.push(step.clone());
                    crate::model::bound_trace(&mut trace);
                    Element {
                        item: Node { trace, ..item },
                        index: Node::new(Value::Int(i as i64), at),
                        label: format!("{label}[{i}]"),
                        deployed: Tri::Yes,
                        stands_for_all: false,
                    }
                })
                .collect()
        }
        Value::Unknown(u) if long_range(&u).is_some() => {
            let count = long_range(&u).unwrap_or_default();
            not_expanded(build, Node { value: Value::Unknown(u), ..array }, label, at, instance, count)
        }
        other => {
            let why = other.first_unknown().map_or("the loop's elements are not known".into(), |u| u.reason.clone());
            let position = position(why, at, instance);
            let (unknown, deployed) = match &other {
                Value::Unknown(u) => {
                    let u = u.derived(|s| s.index(Value::Unknown(position.clone())));
                    (u.clone(), Tri::Unknown(u))
                }
                _ => {
                    let u = Unknown::opaque(format!("the loop's array is {}, not an array", other.describe()), at);
                    (u.clone(), Tri::Unknown(u))
                }
            };
            vec![standing_for_all(array.origin, array.trace, unknown, deployed, label, at, instance)]
        }
    }
}

/// A loop of `count` elements, more than `MAX_ELEMENTS`: one element stands for all, surely
/// deployed (the loop is not empty), and a warning says the loop was not expanded.
fn not_expanded(
    build: &mut Build,
    array: Node,
    label: &str,
    at: Origin,
    instance: InstanceId,
    count: i64,
) -> Vec<Element> {
    build.warn(
        at,
        format!(
            "loop `{label}` has {count} elements, more than the {MAX_ELEMENTS} pgguard expands: it is judged through one element standing for all of them"
        ),
    );
    let reason = format!("loop `{label}` is not expanded ({count} elements)");
    let unknown = match &array.value {
        Value::Unknown(u) => {
            let position = position(reason.as_str().into(), at, instance);
            Unknown { reason: reason.into(), ..u.derived(|s| s.index(Value::Unknown(position))) }
        }
        _ => Unknown::opaque(reason, at),
    };
    vec![standing_for_all(array.origin, array.trace, unknown, Tri::Yes, label, at, instance)]
}

/// The single element that stands for all of a loop: its item is `unknown`.
fn standing_for_all(
    origin: Origin,
    trace: Vec<TraceStep>,
    unknown: Unknown,
    deployed: Tri,
    label: &str,
    at: Origin,
    instance: InstanceId,
) -> Element {
    let position = position(unknown.reason.clone(), at, instance);
    Element {
        item: Node { value: Value::Unknown(unknown), origin, trace },
        index: Node::new(Value::Unknown(position), at),
        label: format!("{label}[…]"),
        deployed,
        stands_for_all: true,
    }
}

/// The elements of an ARM `copy` of `count` elements: the item is the index.
pub fn over_count(
    build: &mut Build,
    count: Node,
    label: &str,
    at: Origin,
    instance: InstanceId,
    draw: Draw,
) -> Vec<Element> {
    let array = match count.value {
        Value::Int(n) if n >= 0 && n as usize <= MAX_ELEMENTS => {
            Value::Array((0..n).map(|i| Node::new(Value::Int(i), at)).collect())
        }
        Value::Int(n) if n >= 0 => {
            let range = Sym::call("range", vec![Value::Int(0), Value::Int(n)]);
            return not_expanded(
                build,
                Node { value: Value::Unknown(Unknown::symbolic("", at, range)), ..count },
                label,
                at,
                instance,
                n,
            );
        }
        Value::Unknown(u) => Value::Unknown(u.derived(|s| {
            Sym::call("range", vec![Value::Int(0), Value::Unknown(Unknown::symbolic("", at, s.clone()))])
        })),
        other => Value::unknown(format!("the count of copy loop `{label}` is {}", other.describe()), at),
    };
    over_array(build, Node { value: array, ..count }, label, at, instance, draw)
}

/// `range(start, n)` with `n` known and too large to expand (not empty): `n`.
fn long_range(u: &Unknown) -> Option<i64> {
    match u.sym.as_ref().map(|s| s.kind()) {
        Some(SymKind::Call(name, args)) if name.as_ref() == "range" => match args.get(1) {
            Some(Value::Int(n)) if *n > 0 => Some(*n),
            _ => None,
        },
        _ => None,
    }
}

/// The position in a loop whose elements are not known.
fn position(why: std::sync::Arc<str>, at: Origin, instance: InstanceId) -> Unknown {
    Unknown::symbolic(why, at, Sym::new(SymKind::LoopPosition { at, instance }))
}
