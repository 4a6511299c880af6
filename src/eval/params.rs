//! Which value a parameter takes, the same in both languages: what the caller gives (a
//! module's `params`, a nested deployment's `parameters`), else its default, else `null` when
//! it is nullable, else an unknown that names the parameter and how to give it. `null` given
//! to a parameter with a default takes the default, as ARM does.

use crate::eval::build::{Frame, InputSource};
use crate::eval::limits::MAX_OPTIONS;
use crate::model::{Bounds, Node, Options, Sym, SymKind, TraceKind, TraceStep, Unknown, Value};
use crate::source::Origin;

/// A parameter as a front end declares it.
pub struct ParamDecl<'a> {
    pub name: &'a str,
    /// Where the name is declared: the unknown and `null` values point here.
    pub origin: Origin,
    pub has_default: bool,
    pub nullable: bool,
    /// `@secure()`, `secureString`, `secureObject`.
    pub secure: bool,
    /// The values it may take: `@allowed([...])`, `allowedValues`, a union of literal types.
    pub allowed: Option<Vec<Node>>,
    /// The range a number must lie in: `@minValue`/`@maxValue`, `minValue`/`maxValue`.
    pub bounds: Option<Bounds>,
}

/// What the front end does next: use a value, or evaluate the declaration's default.
pub enum Choice {
    Value(Node),
    Default,
}

pub fn choose(frame: &Frame, decl: &ParamDecl<'_>) -> Choice {
    let inputs = frame.inputs.as_ref();
    // The last value given wins: the command line's come after a parameter file's.
    let given = inputs.and_then(|i| i.values.iter().rev().find(|input| input.name.eq_ignore_ascii_case(decl.name)));
    match given {
        Some(input) if input.value.value == Value::Null && decl.has_default => Choice::Default,
        Some(input) => {
            let (name, secure) = (decl.name.to_string(), decl.secure);
            let step = match input.source {
                InputSource::Caller => TraceKind::ModuleInput {
                    module: inputs.map(|i| i.giver.clone()).unwrap_or_default(),
                    param: name,
                    secure,
                },
                InputSource::ParamFile => TraceKind::ParamFile { name, secure },
                InputSource::CommandLine => TraceKind::CommandLine { name },
            };
            // A command-line value was written nowhere in a file: it points at the declaration.
            let value = match input.source {
                InputSource::CommandLine => input.value.clone().at(decl.origin),
                _ => input.value.clone(),
            };
            let at = value.origin;
            // An unknown value given keeps to the declared range: Azure refuses any other.
            let value = match (value.value, decl.bounds) {
                (Value::Unknown(u), Some(bounds)) => Node { value: Value::Unknown(u.with_bounds(bounds)), ..value },
                (other, _) => Node { value: other, ..value },
            };
            Choice::Value(value.traced(TraceStep::new(at, step)))
        }
        None if decl.has_default => Choice::Default,
        // An omitted nullable parameter is null.
        None if decl.nullable => Choice::Value(Node::new(Value::Null, decl.origin)),
        None => Choice::Value(missing(frame, decl)),
    }
}

/// The trace step of a default value.
pub fn default_step(decl: &ParamDecl<'_>, at: Origin) -> TraceStep {
    TraceStep::new(at, TraceKind::ParamDefault { name: decl.name.to_string(), secure: decl.secure })
}

fn missing(frame: &Frame, decl: &ParamDecl<'_>) -> Node {
    let name = decl.name;
    let reason = match &frame.inputs {
        Some(inputs) if inputs.from_caller => {
            format!("parameter `{name}` has no default and {} does not give it", inputs.giver)
        }
        Some(inputs) => format!(
            "parameter `{name}` has no default and {} does not give it (give it with `--param {name}=…`)",
            inputs.giver
        ),
        None => format!(
            "parameter `{name}` has no default and no parameter file gives it (give it with a parameter file or `--param {name}=…`)"
        ),
    };
    let sym = Sym::new(SymKind::Param { instance: frame.instance, name: name.to_ascii_lowercase().into() });
    let mut unknown = Unknown::symbolic(reason, decl.origin, sym.clone());
    // The values it may take: rules judge each.
    if let Some(allowed) = decl.allowed.as_ref().filter(|a| !a.is_empty() && a.len() <= MAX_OPTIONS) {
        let values = allowed.iter().map(|v| (v.clone(), format!("is {}", v.value.describe()))).collect();
        let when = allowed.iter().map(|v| v.value.clone()).collect();
        unknown = unknown.with_options(Options { input: format!("parameter `{name}`"), key: Some(sym), values, when });
    }
    if let Some(bounds) = decl.bounds {
        unknown = unknown.with_bounds(bounds);
    }
    let mut node = Node::unknown(unknown, decl.origin);
    if decl.secure {
        node.trace.push(TraceStep::new(decl.origin, TraceKind::Parameter { name: name.to_string(), secure: true }));
    }
    node
}
