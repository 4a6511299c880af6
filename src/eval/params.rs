//! Which value a parameter takes, the same in both languages: what the caller gives (a
//! module's `params`, a nested deployment's `parameters`), else its default, else `null` when
//! it is nullable, else an unknown that names the parameter and how to give it. `null` given
//! to a parameter with a default takes the default, as ARM does.

use crate::eval::build::Frame;
use crate::model::{Node, Sym, SymKind, TraceKind, TraceStep, Unknown, Value};
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
}

/// What the front end does next: use a value, or evaluate the declaration's default.
pub enum Choice {
    Value(Node),
    Default,
}

pub fn choose(frame: &Frame, decl: &ParamDecl<'_>) -> Choice {
    let given = frame
        .inputs
        .as_ref()
        .and_then(|inputs| inputs.iter().find(|(k, _)| k.eq_ignore_ascii_case(decl.name)))
        .map(|(_, node)| node);
    match given {
        Some(node) if node.value == Value::Null && decl.has_default => Choice::Default,
        Some(node) => {
            let step = TraceKind::ModuleInput {
                module: frame.caller.clone(),
                param: decl.name.to_string(),
                secure: decl.secure,
            };
            Choice::Value(node.clone().traced(TraceStep::new(node.origin, step)))
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
    let reason = if frame.inputs.is_some() {
        format!("parameter `{name}` has no default and {} does not give it", frame.caller)
    } else {
        format!("parameter `{name}` has no default and no parameter file gives it")
    };
    let sym = Sym::new(SymKind::Param { instance: frame.instance, name: name.to_ascii_lowercase().into() });
    let mut node = Node::unknown(Unknown::symbolic(reason, decl.origin, sym), decl.origin);
    if decl.secure {
        node.trace.push(TraceStep::new(decl.origin, TraceKind::Parameter { name: name.to_string(), secure: true }));
    }
    node
}
