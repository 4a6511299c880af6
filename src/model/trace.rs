//! Where a value came from: each step names a kind of origin (a parameter default, a module's
//! caller, a variable, a spread…) and the place it was written. Reporters render the labels;
//! rules read the kinds (a value from a `@secure()` parameter is a secure input).

use crate::source::Origin;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TraceStep {
    pub origin: Origin,
    pub kind: TraceKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TraceKind {
    /// A parameter's default value.
    ParamDefault {
        name: String,
        secure: bool,
    },
    /// A parameter that no one gives a value.
    Parameter {
        name: String,
        secure: bool,
    },
    /// A value a parameter file gives.
    ParamFile {
        name: String,
        secure: bool,
    },
    /// A value given on the command line.
    CommandLine {
        name: String,
    },
    /// What a module call (or an ARM nested deployment) passes to one of its parameters.
    ModuleInput {
        module: String,
        param: String,
        secure: bool,
    },
    /// A module's output, read by its caller.
    ModuleOutput {
        module: String,
        output: String,
    },
    Variable {
        name: String,
    },
    /// A property that came from an object spread (`...props`).
    Spread,
    /// An element of a loop's array.
    LoopElement {
        label: String,
    },
    /// A value a function computed (`items()`, `union()`…).
    Function {
        name: String,
    },
    /// A secret read at deployment (`getSecret()`, a Key Vault reference).
    Secret,
    /// Where the value a rule reads is finally written.
    SetHere,
    /// A rule's note about its evidence.
    Note(String),
}

/// A trace keeps at most this many steps: where the value started and where it ended, with
/// a note standing for the steps between. Values doubled from variable to variable
/// (`'${v1}${v1}'`) join the same steps twice: joining skips steps already there.
pub const MAX_TRACE: usize = 16;

/// The note that stands for the steps a bounded trace left out.
const ELIDED: &str = "… steps left out: a trace keeps at most 16";

/// Cuts `trace` to `MAX_TRACE` steps: its first and last steps, and between them one note.
pub fn bound_trace(trace: &mut Vec<TraceStep>) {
    if trace.len() <= MAX_TRACE {
        return;
    }
    let (head, tail) = (MAX_TRACE / 2 - 1, MAX_TRACE / 2);
    let origin = trace[head].origin;
    let end = trace.len() - tail;
    // A secure input among the dropped steps stays: rules read it (`no-secret`, `secure-input`).
    let secure = trace[head..end].iter().find(|t| t.is_secure()).cloned();
    let kept = std::iter::once(TraceStep::new(origin, TraceKind::Note(ELIDED.to_string()))).chain(secure);
    trace.splice(head..end, kept);
}

/// `a` followed by the steps of `b` it does not have, bounded.
pub fn join_traces(mut a: Vec<TraceStep>, b: &[TraceStep]) -> Vec<TraceStep> {
    for step in b {
        if !a.contains(step) {
            a.push(step.clone());
        }
    }
    bound_trace(&mut a);
    a
}

impl TraceStep {
    pub fn new(origin: Origin, kind: TraceKind) -> Self {
        TraceStep { origin, kind }
    }

    pub fn label(&self) -> String {
        match &self.kind {
            TraceKind::ParamDefault { name, .. } => format!("parameter `{name}` defaults to this"),
            TraceKind::Parameter { name, .. } => format!("parameter `{name}`"),
            TraceKind::ParamFile { name, .. } => format!("the parameter file gives `{name}`"),
            TraceKind::CommandLine { name } => format!("`--param {name}` gives this"),
            TraceKind::ModuleInput { module, param, .. } => format!("passed by module `{module}` as `{param}`"),
            TraceKind::ModuleOutput { module, output } => format!("output `{output}` of module `{module}`"),
            TraceKind::Variable { name } => format!("variable `{name}`"),
            TraceKind::Spread => "spread here".into(),
            TraceKind::LoopElement { label } => format!("element of `{label}`"),
            TraceKind::Function { name } => format!("computed by `{name}()`"),
            TraceKind::Secret => "a secret read at deployment".into(),
            TraceKind::SetHere => "set here".into(),
            TraceKind::Note(text) => text.clone(),
        }
    }

    /// Whether this step marks its value as a secure input (`@secure()`, `secureString`,
    /// `getSecret()`, a Key Vault reference).
    pub fn is_secure(&self) -> bool {
        match &self.kind {
            TraceKind::ParamDefault { secure, .. }
            | TraceKind::Parameter { secure, .. }
            | TraceKind::ParamFile { secure, .. }
            | TraceKind::ModuleInput { secure, .. } => *secure,
            TraceKind::Secret => true,
            _ => false,
        }
    }
}
