//! Loop elements, the same for Bicep `for` and ARM `copy`: a known array (or count) gives one
//! element per item, within the deployment's budget; an unknown one gives a single element
//! that stands for all of them, and whose existence is unknown.

use crate::eval::build::Build;
use crate::eval::limits::MAX_ELEMENTS;
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
pub fn over_array(build: &mut Build, array: Node, label: &str, at: Origin, instance: InstanceId) -> Vec<Element> {
    match array.value {
        Value::Array(items) if items.len() <= MAX_ELEMENTS && build.take_elements(items.len()) => {
            let step = TraceStep::new(at, TraceKind::LoopElement { label: label.to_string() });
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| {
                    // An element keeps where its array came from (a parameter default, a variable).
                    let mut trace = crate::eval::ops::join_trace(array.trace.clone(), &item.trace);
                    trace.push(step.clone());
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
        other => {
            let why = other.first_unknown().map_or("the loop's elements are not known".into(), |u| u.reason.clone());
            let position = position(why, at, instance);
            let (unknown, deployed) = match &other {
                Value::Unknown(u) if is_long_range(u) => {
                    (u.derived(|s| s.index(Value::Unknown(position.clone()))), Tri::Yes)
                }
                Value::Unknown(u) => {
                    let u = u.derived(|s| s.index(Value::Unknown(position.clone())));
                    (u.clone(), Tri::Unknown(u))
                }
                // Too long to expand, but surely not empty.
                Value::Array(items) if !items.is_empty() => {
                    (Unknown::opaque("the loop has more elements than pgguard expands", at), Tri::Yes)
                }
                _ => {
                    let u = Unknown::opaque(format!("the loop's array is {}, not an array", other.describe()), at);
                    (u.clone(), Tri::Unknown(u))
                }
            };
            vec![Element {
                item: Node { value: Value::Unknown(unknown), origin: array.origin, trace: array.trace },
                index: Node::new(Value::Unknown(position.clone()), at),
                label: format!("{label}[…]"),
                deployed,
                stands_for_all: true,
            }]
        }
    }
}

/// The elements of an ARM `copy` of `count` elements: the item is the index.
pub fn over_count(build: &mut Build, count: Node, label: &str, at: Origin, instance: InstanceId) -> Vec<Element> {
    let array = match count.value {
        Value::Int(n) if n >= 0 && n as usize <= MAX_ELEMENTS => {
            Value::Array((0..n).map(|i| Node::new(Value::Int(i), at)).collect())
        }
        Value::Int(n) if n >= 0 => Value::Array(vec![Node::new(Value::Null, at); MAX_ELEMENTS + 1]),
        Value::Unknown(u) => Value::Unknown(u.derived(|s| {
            Sym::call("range", vec![Value::Int(0), Value::Unknown(Unknown::symbolic("", at, s.clone()))])
        })),
        other => Value::unknown(format!("the count of copy loop `{label}` is {}", other.describe()), at),
    };
    over_array(build, Node { value: array, ..count }, label, at, instance)
}

/// `range(start, n)` with `n` known and too large to expand: not empty.
fn is_long_range(u: &Unknown) -> bool {
    matches!(u.sym.as_ref().map(|s| s.kind()), Some(SymKind::Call(name, args))
        if name.as_ref() == "range" && matches!(args.get(1), Some(Value::Int(n)) if *n > 0))
}

/// The position in a loop whose elements are not known.
fn position(why: std::sync::Arc<str>, at: Origin, instance: InstanceId) -> Unknown {
    Unknown::symbolic(why, at, Sym::new(SymKind::LoopPosition { at, instance }))
}
