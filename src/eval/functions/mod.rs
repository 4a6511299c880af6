//! The template function library, one for Bicep and ARM (whose functions are the same): a
//! registry of entries, each with its arity and how it treats unknown arguments. A function
//! the registry lacks gives an unknown that names it; one known only at deployment gives an
//! unknown that equals nothing; a deterministic one over unknowns gives the unknown call.

mod arrays;
mod collections;
mod dates;
mod encoding;
mod lambdas;
mod logic;
mod network;
mod numeric;
mod objects;
mod scope;
mod strings;

use crate::eval::ops::{self, join_trace};
use crate::model::{InstanceId, Node, ScopeId, TraceKind, TraceStep, Value};
use crate::source::Origin;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Where a call is evaluated.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    pub origin: Origin,
    pub scope: ScopeId,
    pub instance: InstanceId,
}

/// A call's arguments as the front end holds them: evaluated on demand, or applied as lambdas.
pub trait Args {
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Evaluates argument `i`.
    fn value(&mut self, i: usize) -> Node;
    /// Calls argument `i`, a lambda, with `params`; `None` when it is not a lambda.
    fn apply(&mut self, i: usize, params: Vec<Node>) -> Option<Node>;
}

pub enum Body {
    /// Computed from evaluated arguments; an unknown argument gives the unknown call, and so
    /// does `None` (the function cannot compute over partly known arguments).
    Strict(fn(&[Node], &Ctx) -> Option<Value>),
    /// Computed from evaluated arguments, unknown ones included.
    Tolerant(fn(&[Node], &Ctx) -> Value),
    /// Evaluates its arguments itself: on demand (`if`, `and`) or as lambdas (`map`).
    Lazy(fn(&mut dyn Args, &Ctx) -> Value),
    /// Deterministic, but not computed here (`uniqueString`, `guid`): the unknown call.
    Symbolic,
    /// Known only at deployment (`utcNow`, `reference`, `newGuid`): an unknown that equals
    /// nothing.
    Runtime,
}

pub struct Function {
    pub name: &'static str,
    pub min: usize,
    pub max: usize,
    pub body: Body,
}

const MANY: usize = usize::MAX;

fn registry() -> &'static HashMap<String, &'static Function> {
    static REGISTRY: OnceLock<HashMap<String, &'static Function>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        [
            strings::FUNCTIONS,
            collections::FUNCTIONS,
            lambdas::FUNCTIONS,
            logic::FUNCTIONS,
            scope::FUNCTIONS,
            arrays::FUNCTIONS,
            objects::FUNCTIONS,
            numeric::FUNCTIONS,
            encoding::FUNCTIONS,
            network::FUNCTIONS,
            dates::FUNCTIONS,
        ]
        .into_iter()
        .flatten()
        .map(|f| (f.name.to_ascii_lowercase(), f))
        .collect()
    })
}

pub fn lookup(name: &str) -> Option<&'static Function> {
    registry().get(&name.to_ascii_lowercase()).copied()
}

/// Calls `name` (compared without case) on `args`.
pub fn call(name: &str, args: &mut dyn Args, ctx: &Ctx) -> Node {
    let origin = ctx.origin;
    let lower = name.to_ascii_lowercase();
    let Some(function) = lookup(&lower) else {
        // `listKeys()`, `listSecrets()`…: what a resource returns at deployment, keys and
        // connection strings among it; `getSecret()` of a `.bicepparam` file reads Key Vault.
        if reads_secret(&lower) {
            let reason = format!("`{name}()` is known only at deployment");
            return Node::new(Value::unknown(reason, origin), origin).traced(TraceStep::new(origin, TraceKind::Secret));
        }
        let reason = format!("`{name}()` is not evaluated statically");
        return Node::new(Value::unknown(reason, origin), origin);
    };
    let count = args.len();
    if count < function.min || count > function.max {
        let reason = format!("`{name}()` takes {} arguments, not {count}", arity(function));
        return Node::new(Value::unknown(reason, origin), origin);
    }
    match &function.body {
        Body::Runtime => Node::new(Value::unknown(format!("`{name}()` is known only at deployment"), origin), origin),
        Body::Lazy(body) => {
            let mut tracing = Tracing { args, trace: Vec::new(), nested_secure: Vec::new() };
            let value = body(&mut tracing, ctx);
            let trace = scalar_trace(tracing.trace, &value, tracing.nested_secure, &lower);
            Node { value, origin, trace }
        }
        Body::Strict(_) | Body::Tolerant(_) | Body::Symbolic => {
            let values: Vec<Node> = (0..count).map(|i| args.value(i)).collect();
            let mut trace = values.iter().fold(Vec::new(), |t, n| join_trace(t, &n.trace));
            if conceals(&lower) {
                trace = ops::conceal(trace);
            }
            let value = apply(function, &lower, &values, ctx);
            // `createObject('name', n, 'key', listKeys(…))`: each member keeps its own trace;
            // the object's would give every member the others' (a secret among them).
            if matches!(lower.as_str(), "createobject" | "createarray")
                && matches!(value, Value::Object(_) | Value::Array(_))
            {
                trace.clear();
            }
            let mut nested = Vec::new();
            values.iter().for_each(|n| nested_secure_steps(&n.value, &mut nested));
            let trace = scalar_trace(trace, &value, nested, &lower);
            Node { value, origin, trace }
        }
    }
}

/// The trace of a function's text result. `string({ p: pw })`, `join([pw], ',')` and
/// `reduce([pw], …)` reveal what the elements of their arguments hold, so a secure input among
/// those elements marks the result too; a selector (`first([pw])`, `tryGet(o, 'name')`) reveals
/// only the element it picks, so only the secure inputs of elements equal to its result do.
/// An array or object result keeps its elements' own traces (a member read from it carries
/// only its own); a number or a boolean computed from a list says next to nothing of it.
fn scalar_trace(
    mut trace: Vec<TraceStep>,
    value: &Value,
    nested: Vec<(Value, TraceStep)>,
    lower: &str,
) -> Vec<TraceStep> {
    // An unknown result is text only from a function that makes text (`union` of arrays gives
    // an array, whose elements keep their own traces).
    let text = match value {
        Value::String(_) | Value::Partial(_) => true,
        Value::Unknown(_) => makes_text(lower) || selector(lower),
        _ => false,
    };
    if !text || conceals(lower) {
        return trace;
    }
    let selects = selector(lower);
    for (element, step) in nested {
        if (!selects || element == *value) && !trace.contains(&step) {
            trace.push(step);
        }
    }
    crate::model::bound_trace(&mut trace);
    trace
}

/// Functions (lower case) that give one element of their arguments.
fn selector(lower: &str) -> bool {
    matches!(lower, "first" | "last" | "tryget" | "tryindexfromend" | "coalesce" | "if")
}

/// Functions (lower case) whose result is text written from all of their arguments.
fn makes_text(lower: &str) -> bool {
    matches!(lower, "string" | "join" | "format" | "base64" | "reduce" | "min" | "max" | "uri")
}

/// The secure elements and members nested in `value`, each with the step that makes it secure.
/// Bounded: a few are enough, and a trace is bounded too.
fn nested_secure_steps(value: &Value, out: &mut Vec<(Value, TraceStep)>) {
    const ENOUGH: usize = 8;
    let mut stack: Vec<&Value> = vec![value];
    while let Some(value) = stack.pop() {
        if out.len() >= ENOUGH {
            return;
        }
        let nodes: Box<dyn Iterator<Item = &Node>> = match value {
            Value::Array(items) => Box::new(items.iter()),
            Value::Object(members) => Box::new(members.iter().map(|(_, n)| n)),
            _ => continue,
        };
        for node in nodes {
            if let Some(step) = node.trace.iter().find(|t| t.is_secure()) {
                out.push((node.value.clone(), step.clone()));
            }
            stack.push(&node.value);
        }
    }
}

/// Whether a function (lower case) gives a value that does not reveal its arguments: a hash
/// (`guid`, `uniqueString`) or a length. A name made with `guid(principalId)` is no secret.
fn conceals(lower: &str) -> bool {
    matches!(lower, "guid" | "uniquestring" | "length" | "empty")
}

/// Whether a function (lower case) the registry lacks reads a secret at deployment: a
/// resource's `list*()` action (`listKeys`, `listConnectionStrings`) or `getSecret()`.
pub fn reads_secret(lower: &str) -> bool {
    lower.starts_with("list") || lower == "getsecret"
}

fn apply(function: &Function, lower: &str, values: &[Node], ctx: &Ctx) -> Value {
    let plain = || values.iter().map(|n| n.value.clone()).collect::<Vec<_>>();
    match &function.body {
        Body::Tolerant(body) => body(values, ctx),
        Body::Strict(body) => {
            if values.iter().any(|n| matches!(n.value, Value::Unknown(_))) {
                return ops::unknown_of(lower, &plain(), ctx.origin);
            }
            body(values, ctx).unwrap_or_else(|| ops::unknown_of(lower, &plain(), ctx.origin))
        }
        _ => symbolic(function.name, &plain(), ctx),
    }
}

/// A deterministic function that is not computed here, over `args`: the call as a value of
/// its own (equal to the same call), or the unknown its unknown arguments give.
pub fn symbolic(name: &str, args: &[Value], ctx: &Ctx) -> Value {
    let lower = name.to_ascii_lowercase();
    match ops::derived(&lower, args) {
        Some(u) => Value::Unknown(u),
        None => {
            let reason = format!("`{name}()` is not computed statically");
            Value::Unknown(crate::model::Unknown::symbolic(
                reason,
                ctx.origin,
                crate::model::Sym::call(&lower, args.to_vec()),
            ))
        }
    }
}

fn arity(function: &Function) -> String {
    match (function.min, function.max) {
        (a, b) if a == b => a.to_string(),
        (a, MANY) => format!("at least {a}"),
        (a, b) => format!("{a} to {b}"),
    }
}

/// Collects the traces of the arguments a lazy function evaluates.
struct Tracing<'a> {
    args: &'a mut dyn Args,
    trace: Vec<TraceStep>,
    /// The secure inputs nested in the arguments' elements and members.
    nested_secure: Vec<(Value, TraceStep)>,
}

impl Args for Tracing<'_> {
    fn len(&self) -> usize {
        self.args.len()
    }

    fn value(&mut self, i: usize) -> Node {
        let node = self.args.value(i);
        self.trace = join_trace(std::mem::take(&mut self.trace), &node.trace);
        nested_secure_steps(&node.value, &mut self.nested_secure);
        node
    }

    fn apply(&mut self, i: usize, params: Vec<Node>) -> Option<Node> {
        self.args.apply(i, params)
    }
}

/// Arguments already evaluated (for tests, and for calls the evaluator makes itself).
pub struct Evaluated(pub Vec<Node>);

impl Args for Evaluated {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn value(&mut self, i: usize) -> Node {
        self.0[i].clone()
    }

    fn apply(&mut self, _: usize, _: Vec<Node>) -> Option<Node> {
        None
    }
}

/// Calls functions on plain values, for the unit tests of each topic file.
#[cfg(test)]
pub(crate) mod testing {
    use super::{Ctx, Evaluated};
    use crate::model::{InstanceId, Node, ScopeId, Sym, SymKind, Unknown, Value};
    use crate::source::Origin;

    pub fn ctx() -> Ctx {
        Ctx { origin: Origin::default(), scope: ScopeId::default(), instance: InstanceId::default() }
    }

    pub fn node(value: Value) -> Node {
        Node::new(value, Origin::default())
    }

    pub fn call(name: &str, args: Vec<Value>) -> Value {
        let mut args = Evaluated(args.into_iter().map(node).collect());
        super::call(name, &mut args, &ctx()).value
    }

    pub fn s(text: &str) -> Value {
        Value::String(text.to_string())
    }

    pub fn int(i: i64) -> Value {
        Value::Int(i)
    }

    pub fn array(items: Vec<Value>) -> Value {
        Value::Array(items.into_iter().map(node).collect())
    }

    pub fn object(members: Vec<(&str, Value)>) -> Value {
        Value::Object(members.into_iter().map(|(k, v)| (k.to_string(), node(v))).collect())
    }

    /// A parameter nobody gives a value: a symbolic unknown.
    pub fn unknown_param(name: &str) -> Value {
        let sym = Sym::new(SymKind::Param { instance: InstanceId::default(), name: name.into() });
        Value::Unknown(Unknown::symbolic(format!("parameter `{name}` has no value"), Origin::default(), sym))
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{array, call, int, s, unknown_param};
    use crate::model::{StrPart, Tri, Value, compare};

    /// `'pg-' + p + '/x'`.
    fn partly_known() -> Value {
        let Value::Unknown(u) = unknown_param("p") else { unreachable!() };
        Value::Partial(vec![StrPart::Text("pg-".into()), StrPart::Unknown(u), StrPart::Text("/x".into())])
    }

    #[test]
    fn a_partly_known_string_gives_the_symbolic_call() {
        let cases: Vec<(&str, Vec<Value>)> = vec![
            ("base64", vec![partly_known()]),
            ("uriComponent", vec![partly_known()]),
            ("dataUri", vec![partly_known()]),
            ("json", vec![partly_known()]),
            ("padLeft", vec![partly_known(), int(20), s("0")]),
            ("take", vec![partly_known(), int(2)]),
            ("skip", vec![partly_known(), int(2)]),
            ("lastIndexOf", vec![partly_known(), s("/")]),
            ("parseCidr", vec![partly_known()]),
            ("cidrHost", vec![partly_known(), int(1)]),
            ("dateTimeToEpoch", vec![partly_known()]),
            ("uri", vec![partly_known(), s("a.json")]),
        ];
        for (name, args) in cases {
            let once = call(name, args.clone());
            let twice = call(name, args);
            assert!(matches!(&once, Value::Unknown(u) if u.sym.is_some()), "{name}: {once:?}");
            assert_eq!(compare::strictly_equals(&once, &twice), Tri::Yes, "{name}");
        }
    }

    #[test]
    fn an_unknown_that_equals_nothing_stays_so() {
        let runtime = call("utcNow", vec![]);
        for name in ["base64", "toLower", "json", "parseCidr"] {
            let got = call(name, vec![runtime.clone()]);
            assert!(matches!(got, Value::Unknown(u) if u.sym.is_none()), "{name}");
        }
        let got = call("flatten", vec![array(vec![runtime])]);
        assert!(matches!(got, Value::Unknown(u) if u.sym.is_none()));
    }

    #[test]
    fn wrong_arities_are_unknown() {
        assert!(matches!(call("parseCidr", vec![]), Value::Unknown(u) if u.reason.contains("takes 1")));
        assert!(matches!(call("tryGet", vec![s("x")]), Value::Unknown(u) if u.reason.contains("at least 2")));
    }
}
